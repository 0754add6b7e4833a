--[[ Octavo's pandoc filter, shared by `pandoc --lua-filter` (one document) and
batch.lua (many documents in one process), so both paths give the same bytes.

EPUB: nothing may point outside the book. Raw HTML is dropped; Python (convert/images.py,
the one image policy) gave each archived image as a data: URI, which pandoc stores in the
book without fetching anything, and replaced every other image by its description; any
other image left is dropped to its caption so the writer never fetches one; only http(s),
mailto and in-book links stay links. Figures keep their captions. Math spans (TeX) become pandoc Math.
Markdown: Octavo's classes become pandoc attribute syntax that Octavo's reader reads
back: fenced divs (`::: centered`, `::: signature`) and `## 标题 {#id .centered}`;
gfm and commonmark have no such syntax, so there the summary becomes a block quote
and the other divs are unwrapped. No spans, no link attributes, no heading ids but in
pandoc's flavour; the images Python left point at archived copies (it described the
others) and keep their alt and title, a figure's caption a centered line after
it (Octavo's normalizer reads that back as the caption),
and an unsafe link (javascript:, file:) its text; links to paths on the post's site stay.
In the pandoc flavour, what Markdown cannot say arrives marked by
convert/writers/markdown_raw.py and is written as HTML (raw_block, raw_span); the input
itself holds no raw HTML (pandoc reads it with -raw_html).
pandoc writes a table its flavour cannot hold as "[TABLE]", losing its text: in gfm, pipe
tables hold one line per cell, so a cell of other blocks (paragraphs, lists, a nested
table, line breaks) becomes one line; commonmark has no tables, so each row becomes a
paragraph of its cells separated by " | ", after the caption. ]]

local KNOWN_DIVS = { summary = true, centered = true, signature = true, source = true }

local function drop() return {} end

local function is_web(url) return url:match('^https?://') ~= nil end

local function is_data(url) return url:match('^data:') ~= nil end

local function is_safe_target(url)
  return is_web(url) or url:match('^mailto:') ~= nil or url:match('^#') ~= nil
end

-- A path on the post's own site (no scheme): a fine link in Markdown, not inside a book.
local function is_relative(url)
  return url:match('^[%a][%w+.-]*:') == nil and url:match('^//') == nil
end

local function unlink(inlines)
  return inlines:walk { Link = function(link) return link.content end }
end

local function epub(doc)
  return doc:walk {
    RawBlock = drop,
    RawInline = drop,
    Image = function(img)
      if not is_data(img.src) then return img.caption end
      img.attr = pandoc.Attr()
      return img
    end,
    Link = function(link)
      if not is_safe_target(link.target) then return link.content end
      link.content = unlink(link.content)
      return link
    end,
    Header = function(h)
      if h.classes:includes('colophon') then
        h.attributes['epub:type'] = 'colophon'
        return h
      end
    end,
  }
end

local one_line

local function rows_of(tbl)
  local rows = pandoc.List()
  rows:extend(tbl.head.rows)
  for _, body in ipairs(tbl.bodies) do
    rows:extend(body.head)
    rows:extend(body.body)
  end
  rows:extend(tbl.foot.rows)
  return rows
end

-- A table as paragraphs: its caption, then one line per row, cells separated by " | ".
local function table_as_paragraphs(tbl)
  local blocks = pandoc.Blocks {}
  blocks:extend(tbl.caption.long)
  for _, row in ipairs(rows_of(tbl)) do
    local line = pandoc.Inlines {}
    for i, cell in ipairs(row.cells) do
      if i > 1 then line:extend { pandoc.Space(), pandoc.Str('|'), pandoc.Space() } end
      line:extend(one_line(cell.contents))
    end
    blocks:insert(pandoc.Para(line))
  end
  return blocks
end

-- Blocks as one line of inlines (nested tables as their rows, line breaks as spaces).
one_line = function(blocks)
  local flat = blocks:walk { Table = table_as_paragraphs }
  return pandoc.utils.blocks_to_inlines(flat, { pandoc.Space() }):walk {
    LineBreak = function() return pandoc.Space() end,
  }
end

local function is_one_line(blocks)
  if #blocks == 0 then return true end
  if #blocks > 1 or (blocks[1].t ~= 'Plain' and blocks[1].t ~= 'Para') then return false end
  local breaks = false
  blocks:walk { LineBreak = function() breaks = true end }
  return not breaks
end

-- A pipe in a cell's code span would end the cell: GFM (and Octavo's reader) read `\|`.
local function escape_pipes(blocks)
  return blocks:walk { Code = function(code) code.text = code.text:gsub('|', '\\|'); return code end }
end

-- Every cell of the table one line, so pandoc can write it as a pipe table.
local function pipe_table(tbl)
  local function fix(rows)
    for _, row in ipairs(rows) do
      local cells = row.cells
      for _, cell in ipairs(cells) do
        if not is_one_line(cell.contents) then
          cell.contents = pandoc.Blocks { pandoc.Plain(one_line(cell.contents)) }
        end
        cell.contents = escape_pipes(cell.contents)
      end
      row.cells = cells
    end
    return rows
  end
  local head = tbl.head
  head.rows = fix(head.rows)
  tbl.head = head
  local bodies = tbl.bodies
  for _, body in ipairs(bodies) do
    body.head = fix(body.head)
    body.body = fix(body.body)
  end
  tbl.bodies = bodies
  local foot = tbl.foot
  foot.rows = fix(foot.rows)
  tbl.foot = foot
  return tbl
end

local function first_known_class(classes)
  for _, class in ipairs(classes) do
    if KNOWN_DIVS[class] then return class end
  end
end

-- Text Jekyll's kramdown would turn typographic (quotes, -- ... << >>), read as math
-- ($$), as an attribute list or extension ({: …}, {::comment}) or as a character
-- reference (&#0;, &lt;) is written escaped, so reading the Markdown back gives the same
-- characters.
local function escape_typography(str)
  local text = str.text
  if not (text:find('["\']') or text:find('%-%-') or text:find('%.%.%.') or text:find('<<')
          or text:find('>>') or text:find('%$%$') or text:find('{:') or text:find('&#?%w+;')) then
    return nil
  end
  local out, plain, i = pandoc.List(), '', 1
  local function flush()
    if plain ~= '' then out:insert(pandoc.Str(plain)) end
    plain = ''
  end
  while i <= #text do
    local c, pair = text:sub(i, i), text:sub(i, i + 1)
    if c == '&' and text:find('^&#?%w+;', i) then   -- text that reads as a character reference
      flush()
      out:insert(pandoc.RawInline('markdown', '\\&'))
      i = i + 1
    elseif c == '"' or c == "'" or pair == '--' or pair == '..' or pair == '<<' or pair == '>>' or pair == '$$'
           or pair == '{:' then
      local run = text:match('^' .. c:gsub('%p', '%%%0') .. '+', i)
      flush()
      out:insert(pandoc.RawInline('markdown', (run:gsub('.', '\\%0'))))
      i = i + #run
    else
      plain = plain .. c
      i = i + 1
    end
  end
  flush()
  return out
end

-- What convert/writers/markdown_raw.py marked: a block written as it is (HTML, or a
-- fenced code block), or a span standing for an element's tags around its content.
local function raw_block(code)
  local kind, text = code.attributes['octavo-raw'], code.attributes['octavo-text']
  -- ending in a line break, it gets a blank line after it: an HTML block runs on to the
  -- next blank line, and would take a following fence or paragraph in as HTML
  if kind then return pandoc.RawBlock(kind, text:match('\n$') and text or text .. '\n') end
end

local function raw_span(span)
  local open, close = span.attributes['octavo-open'], span.attributes['octavo-close']
  if not open then return span.content end
  local inlines = pandoc.Inlines { pandoc.RawInline('html', open) }
  inlines:extend(span.content)
  inlines:insert(pandoc.RawInline('html', close))
  return inlines
end

local function markdown(doc, strict)
  return doc:walk {
    Str = escape_typography,
    CodeBlock = raw_block,
    Span = raw_span,
    Image = function(img)
      if is_data(img.src) then return img.caption end
      img.attr = pandoc.Attr()
      return img
    end,
    Link = function(link)
      if not (is_safe_target(link.target) or is_relative(link.target)) then return link.content end
      link.attr = pandoc.Attr()
      return link
    end,
    Figure = function(fig)
      local blocks = pandoc.Blocks { pandoc.Para(pandoc.utils.blocks_to_inlines(fig.content)) }
      local caption = fig.caption.long
      if #caption > 0 and strict then blocks:extend(caption) end
      if #caption > 0 and not strict then blocks:insert(pandoc.Div(caption, { class = 'centered' })) end
      return blocks
    end,
    Table = function(tbl)
      if FORMAT == 'commonmark' then return table_as_paragraphs(tbl) end
      return pipe_table(tbl)
    end,
    Header = function(h)
      local centered = h.classes:includes('centered') and not strict
      h.attr = pandoc.Attr(strict and '' or h.identifier, centered and { 'centered' } or {})
      return h
    end,
    Div = function(div)
      local class = first_known_class(div.classes)
      if strict then
        if class == 'summary' then return pandoc.BlockQuote(div.content) end
        return div.content
      end
      if not class then return div.content end
      div.attr = pandoc.Attr('', { class })
      return div
    end,
  }
end

-- Math kept as TeX in Octavo's body (`<span class="math inline">\(x\)</span>`) becomes
-- pandoc Math: MathML in the EPUB (--mathml), `$x$` in Markdown.
local function tex_math(doc)
  return doc:walk {
    Span = function(span)
      if not span.classes:includes('math') then return nil end
      local tex = pandoc.utils.stringify(span)
      if span.classes:includes('display') then
        return pandoc.Math('DisplayMath', (tex:gsub('^%s*\\%[', ''):gsub('\\%]%s*$', '')))
      end
      return pandoc.Math('InlineMath', (tex:gsub('^%s*\\%(', ''):gsub('\\%)%s*$', '')))
    end,
  }
end

local function octavo(doc)
  doc = tex_math(doc)
  if FORMAT:match('^epub') then return epub(doc) end
  if FORMAT == 'gfm' or FORMAT == 'commonmark' then return markdown(doc, true) end
  return markdown(doc, false)
end

return { { Pandoc = octavo } }
