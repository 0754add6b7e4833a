--[[ Convert many documents in one pandoc process: `pandoc lua batch.lua octavo.lua`.

stdin: one JSON job per line {html, from, to, standalone, meta, options}; `meta` maps
names to a string or a list of strings (as `-M name=value`, repeated for lists),
`options` holds pandoc WriterOptions fields (toc_depth, wrap_text, ...), and
`standalone` asks for the format's default template (as --standalone does).
stdout, per job in order: "ok <n>\n" then the n output bytes, or "error <n>\n" then
an n-byte message. One failing job does not stop the others.

`pandoc lua` has no --sandbox flag: the reader runs in an empty sandbox (read_env {}),
and the filter removes every image and raw element before writing, so the writer has
nothing to fetch. ]]

local filters = dofile(arg[1])

local function meta_value(value)
  if type(value) == 'table' then
    local items = pandoc.List()
    for _, item in ipairs(value) do items:insert(pandoc.MetaString(item)) end
    return pandoc.MetaList(items)
  end
  return pandoc.MetaString(value)
end

local templates = {}

local function template(format)
  templates[format] = templates[format] or pandoc.template.compile(pandoc.template.default(format))
  return templates[format]
end

local function convert(job)
  local doc = pandoc.read(job.html, job.from, {}, {})
  for name, value in pairs(job.meta) do doc.meta[name] = meta_value(value) end
  FORMAT = job.to:match('^[%w_]+')
  for _, filter in ipairs(filters) do doc = filter.Pandoc(doc) end
  local options = pandoc.WriterOptions(job.options)
  if job.standalone then options.template = template(FORMAT) end
  return pandoc.write(doc, job.to, options)
end

local function emit(status, bytes)
  io.stdout:write(status, ' ', #bytes, '\n', bytes)
end

io.stdout:setvbuf('full')
for line in io.lines() do
  local ok, result = pcall(function() return convert(pandoc.json.decode(line, false)) end)
  if ok then emit('ok', result) else emit('error', tostring(result)) end
end
io.stdout:flush()
