# bash completion for bindertrace: source it from ~/.bashrc (or copy it to ~/.local/share/bash-completion/completions/bindertrace).
# bindertrace answers System.CommandLine's [suggest:POSITION] directive with one candidate per line; this asks it
# about the words before the cursor (without the command name) and lets bash filter by the current word.
_bindertrace_complete() {
    local IFS=$'\n'
    local line="${COMP_LINE:0:COMP_POINT}"
    line="${line#* }"
    COMPREPLY=($(compgen -W "$(bindertrace "[suggest:${#line}]" "$line" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}"))
}
complete -o default -F _bindertrace_complete bindertrace
