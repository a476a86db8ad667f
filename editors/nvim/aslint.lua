-- aslint language server for Neovim, in the shape of an nvim-lspconfig server config.
--
-- Neovim 0.11+ (built-in `vim.lsp.config`): copy this file to `~/.config/nvim/lsp/aslint.lua`, then
--   vim.lsp.enable('aslint')
-- nvim-lspconfig on older Neovim: see README.md (register it with `require('lspconfig.configs')`).
--
-- `*.asl.json` stays `json` and `*.asl.yaml` / `*.asl.yml` stay `yaml`: the server only attaches to buffers whose
-- name matches, through `root_dir` below.

local function is_asl(name)
  return name:match('%.asl%.json$') or name:match('%.asl%.ya?ml$')
end

return {
  cmd = { 'aslint', 'lsp' },
  filetypes = { 'json', 'yaml' },
  -- Attach only to ASL files; the root is the nearest folder with aslint.toml or .git, else the file's folder.
  root_dir = function(bufnr, on_dir)
    local name = vim.api.nvim_buf_get_name(bufnr)
    if not is_asl(name) then
      return
    end
    local root = vim.fs.root(bufnr, { 'aslint.toml', '.git' }) or vim.fs.dirname(name)
    on_dir(root)
  end,
  settings = {},
}
