# zsh completion for bindertrace: source it from ~/.zshrc after `autoload -U compinit && compinit`.
# Asks bindertrace's [suggest:POSITION] directive about the words up to the cursor (without the command name).
_bindertrace() {
    local line="${(j: :)words[2,CURRENT]}"
    local -a candidates
    candidates=("${(@f)$(bindertrace "[suggest:${#line}]" "$line" 2>/dev/null)}")
    compadd -a candidates
}
compdef _bindertrace bindertrace
