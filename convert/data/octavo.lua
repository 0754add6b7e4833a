--[[ Octavo's pandoc filter, shared by `pandoc --lua-filter` (one document) and
batch.lua (many documents in one process), so both paths give the same bytes.

EPUB: nothing may point outside the book. Raw HTML is dropped; images were already
replaced by their description in Python (convert/images.py, the one image policy), and
any image left is dropped to its caption so the writer never fetches one; only http(s),
mailto and in-book links stay links. Figures keep their captions.
Markdown: Octavo's classes become pandoc attribute syntax that Octavo's reader reads
back: fenced divs (`::: centered`, `::: signature`) and `## 标题 {.centered}`;
gfm and commonmark have no such syntax, so there the summary becomes a block quote
and the other divs are unwrapped. No spans, no raw HTML, no heading ids; web images
stay (Python described the others), a figure's caption a centered line after
it (Octavo's normalizer reads that back as the caption),
and an unsafe link (javascript:, file:) its text; links to paths on the post's site stay. ]]

local KNOWN_DIVS = { summary = true, centered = true, signature = true, source = true }

local function drop() return {} end

local function is_web(url) return url:match('^https?://') ~= nil end

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
    Image = function(img) return img.caption end,
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

local function first_known_class(classes)
  for _, class in ipairs(classes) do
    if KNOWN_DIVS[class] then return class end
  end
end

local function markdown(doc, strict)
  return doc:walk {
    RawBlock = drop,
    RawInline = drop,
    Span = function(span) return span.content end,
    Image = function(img)
      if not is_web(img.src) then return img.caption end
      img.attr = pandoc.Attr()
      return img
    end,
    Link = function(link)
      if not (is_safe_target(link.target) or is_relative(link.target)) then return link.content end
    end,
    Figure = function(fig)
      local blocks = pandoc.Blocks { pandoc.Para(pandoc.utils.blocks_to_inlines(fig.content)) }
      local caption = fig.caption.long
      if #caption > 0 and strict then blocks:extend(caption) end
      if #caption > 0 and not strict then blocks:insert(pandoc.Div(caption, { class = 'centered' })) end
      return blocks
    end,
    Header = function(h)
      local centered = h.classes:includes('centered') and not strict
      h.attr = pandoc.Attr('', centered and { 'centered' } or {})
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

local function octavo(doc)
  if FORMAT:match('^epub') then return epub(doc) end
  if FORMAT == 'gfm' or FORMAT == 'commonmark' then return markdown(doc, true) end
  return markdown(doc, false)
end

return { { Pandoc = octavo } }
