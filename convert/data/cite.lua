--[[ Format citations with pandoc's citeproc, many in one process: `pandoc lua cite.lua`.

stdin: one JSON job per line {items, csl, lang, to}: `items` is a CSL-JSON array (text)
whose ids are unique, `csl` the style (a data: URI, so nothing is read or fetched),
`lang` the locale, `to` a pandoc writer (plain or html). The caller has taken out of the
style what relates one entry to another (year suffixes, repeated-author dashes), so the
entries of one job are those of items cited alone.
stdout, per item of each job in order: "ok <n>\n" then the n bytes of its entry, or
"error <n>\n" then an n-byte message (a job that fails gives its message for each item). ]]

local ALL = pandoc.Inlines{pandoc.Cite({pandoc.Str('@*')}, {pandoc.Citation('*', 'AuthorInText')})}
local OPTIONS = pandoc.WriterOptions{wrap_text = 'wrap-none'}

local function entries(job)
  local doc = pandoc.read(job.items, 'csljson')
  doc.meta.csl = job.csl
  doc.meta.lang = job.lang
  doc.meta.nocite = ALL
  doc = pandoc.utils.citeproc(doc)
  local found = {}
  doc:walk{Div = function(div)
    if div.classes:includes('csl-entry') then
      found[div.identifier:gsub('^ref%-', '')] = pandoc.write(pandoc.Pandoc(div.content), job.to, OPTIONS)
    end
  end}
  return found
end

local function emit(status, bytes)
  io.stdout:write(status, ' ', #bytes, '\n', bytes)
end

io.stdout:setvbuf('full')
for line in io.lines() do
  local job = pandoc.json.decode(line, false)
  local ok, found = pcall(entries, job)
  for _, id in ipairs(job.ids) do
    if not ok then emit('error', tostring(found))
    elseif found[id] then emit('ok', found[id])
    else emit('error', 'citeproc gave no entry') end
  end
end
io.stdout:flush()
