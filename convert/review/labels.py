"""The review page's own words, in the language most of its articles are in (Chinese or
English): an archivist of a Chinese collection reads a Chinese page, `lang` and all."""

from __future__ import annotations

EN = {
    "title": "Review of {where}", "lead": "{n} articles, made {made} by Octavo {version}.",
    "lead_one": "1 article, made {made} by Octavo {version}.",
    "changed": "{n} of the outputs the batch report lists are no longer as it recorded them (changed or "
               "removed by a later run): the counts, outcomes and warnings here are those of the run it records.",
    "skip": "Skip to the articles", "summary": "Summary", "articles": "Articles",
    "converted": "Converted", "cached": "Unchanged (cached)", "cached_short": "Unchanged",
    "skipped": "Skipped", "failed": "Failed",
    "warned": "With warnings", "total": "Inputs",
    "time": "The conversion took {seconds} s; this page took {page} s to make (validators and thumbnails).",
    "validators": "Validators", "validator": "Files", "checked": "Checked", "problems": "With problems",
    "unchecked": "Not checked", "check_failures": "Failed a check",
    "no_checks": "Validators were not run (--no-checks).",
    "check_pdf": "PDF (qpdf, fonts embedded, PDF/A)", "check_epub": "EPUB (EPUBCheck)",
    "check_record": "Citation records (parsed)", "check_warc": "WARC (digests)",
    "chart_outcomes": "Outcomes", "chart_months": "Articles per month", "chart_years": "Articles per year", "chart_categories": "Articles per category",
    "chart_pages": "PDF pages per article", "chart_sizes": "Size of all outputs per article",
    "filters": "Filters", "outcome": "Outcome", "category": "Category", "month": "Month", "language": "Language",
    "search": "Search", "search_hint": "title, source, name, warning…", "all": "All", "reset": "Show all",
    "shown": "{shown} of {total} articles shown", "none_shown": "No article matches these filters.",
    "other": "Other", "none": "Uncategorized", "undated": "Undated",
    "outputs": "Outputs", "pages": "{n} pages", "page": "1 page", "thumb": "First page of the PDF of {title}",
    "no_thumb": "No PDF", "checks": "Checks", "ok": "passed", "failed_check": "failed", "not_checked": "not checked",
    "warnings": "Warnings ({n})", "by_design": "by design", "errors": "Errors",
    "removed": "Removed by normalization: {n} passage(s), {removed} of {total} letters and digits",
    "removed_none": "Normalization removed nothing ({total} letters and digits read).",
    "before": "Before", "after": "After",
    "removed_whole": "(removed entirely)", "source_gone": "The post could not be read again: {why}",
    "resources": "Images: {kept} archived, {left} left out", "archived": "archived", "left_out": "left out",
    "search_key": "Press / to search.",
}

ZH = {
    "title": "审阅：{where}", "lead": "共 {n} 篇，由 Octavo {version} 于 {made} 生成。",
    "lead_one": "共 1 篇，由 Octavo {version} 于 {made} 生成。",
    "changed": "批处理报告所列输出中有 {n} 个已与报告记录的不同（被后来的运行改动或删除）："
               "此处的计数、结果与警告是报告所记那次运行的。",
    "skip": "跳到文章列表", "summary": "概览", "articles": "文章",
    "converted": "已转换", "cached": "未变（缓存）", "cached_short": "未变",
    "skipped": "已跳过", "failed": "失败",
    "warned": "有警告", "total": "输入",
    "time": "转换用时 {seconds} 秒；本页生成用时 {page} 秒（校验与缩略图）。",
    "validators": "校验", "validator": "文件", "checked": "已校验", "problems": "有问题",
    "unchecked": "未校验", "check_failures": "校验未通过", "no_checks": "未运行校验（--no-checks）。",
    "check_pdf": "PDF（qpdf、字体嵌入、PDF/A）", "check_epub": "EPUB（EPUBCheck）",
    "check_record": "引文记录（可解析）", "check_warc": "WARC（摘要值）",
    "chart_outcomes": "结果", "chart_months": "每月文章数", "chart_years": "每年文章数", "chart_categories": "各分类文章数",
    "chart_pages": "每篇 PDF 页数", "chart_sizes": "每篇全部输出的大小",
    "filters": "筛选", "outcome": "结果", "category": "分类", "month": "月份", "language": "语言",
    "search": "搜索", "search_hint": "标题、来源、文件名、警告……",
    "all": "全部", "reset": "显示全部",
    "shown": "显示 {shown} / {total} 篇", "none_shown": "没有符合筛选条件的文章。",
    "other": "其他", "none": "未分类", "undated": "无日期",
    "outputs": "输出", "pages": "{n} 页", "page": "1 页", "thumb": "《{title}》PDF 第一页",
    "no_thumb": "无 PDF", "checks": "校验", "ok": "通过", "failed_check": "未通过", "not_checked": "未校验",
    "warnings": "警告（{n}）", "by_design": "按设计", "errors": "错误",
    "removed": "规范化删去的内容：{n} 段，{removed} / {total} 字",
    "removed_none": "规范化未删去任何内容（共 {total} 字）。", "before": "之前", "after": "之后",
    "removed_whole": "（整段删去）", "source_gone": "无法重新读取原文：{why}",
    "resources": "图片：已存档 {kept} 张，未收录 {left} 张",
    "archived": "已存档", "left_out": "未收录",
    "search_key": "按 / 键搜索。",
}


def for_tag(tag: str) -> dict[str, str]:
    """The page's words for a BCP 47 tag: Chinese for zh-*, else English."""
    return ZH if (tag or "").lower().startswith("zh") else EN
