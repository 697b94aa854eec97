# fish completion for bindertrace: copy it to ~/.config/fish/completions/bindertrace.fish.
# Asks bindertrace's [suggest:POSITION] directive about the command line up to the cursor (without the command name).
function __bindertrace_suggest
    set -l line (commandline -cp | string replace -r '^\S+\s*' '')
    bindertrace "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null
end
complete -c bindertrace -f -a '(__bindertrace_suggest)'
