# nianbao.bash — bash completion for the nianbao command (installed as
# share/bash-completion/completions/nianbao): commands, options, font roles, formats, and
# files of the right kind (*.json data and layouts, *.pdf outputs, folders for --batch).

_nianbao() {
    local cur prev words cword
    _init_completion || return

    local cmd="" i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
        render | check | init | serve)
            cmd=${words[i]}
            break
            ;;
        esac
    done

    case $prev in
    -o | --output)
        if [[ " ${words[*]} " == *" --batch "* ]]; then
            _filedir -d
        else
            _filedir pdf
        fi
        return
        ;;
    --layout | --previous | --from)
        _filedir json
        return
        ;;
    --drafts)
        _filedir -d
        return
        ;;
    --token-file)
        _filedir
        return
        ;;
    --listen)
        COMPREPLY=($(compgen -W '127.0.0.1:8080 0.0.0.0:8080' -- "$cur"))
        return
        ;;
    --allow-host | --threads | --timeout)
        return
        ;;
    --batch)
        _filedir
        return
        ;;
    --dump)
        _filedir
        return
        ;;
    --font)
        compopt -o nospace 2>/dev/null
        COMPREPLY=($(compgen -W 'title= body= heading1= heading2= table= pagenum=' -- "$cur"))
        return
        ;;
    --format)
        COMPREPLY=($(compgen -W 'text json' -- "$cur"))
        return
        ;;
    --preprocess-fonts)
        COMPREPLY=($(compgen -W 'auto always never' -- "$cur"))
        return
        ;;
    -j)
        COMPREPLY=($(compgen -W "1 2 $(nproc 2>/dev/null)" -- "$cur"))
        return
        ;;
    esac

    # --font ROLE=FILE: complete the file after the '='.
    if [[ $cur == *=* && $prev == --font ]]; then
        _filedir
        return
    fi

    case $cmd in
    "")
        COMPREPLY=($(compgen -W 'render check serve --help --version' -- "$cur"))
        ;;
    render)
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W '-o --output --layout --previous --force --no-pdfa
                --date-now --font --allow-missing-glyphs --dump --batch -j
                --preprocess-fonts -q --quiet -v --verbose --help' -- "$cur"))
        else
            _filedir json
        fi
        ;;
    check)
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W '--previous --format --help' -- "$cur"))
        else
            _filedir json
        fi
        ;;
    serve)
        COMPREPLY=($(compgen -W '--listen --drafts --token-file --allow-host --threads
            --timeout --help' -- "$cur"))
        ;;
    esac
} && complete -F _nianbao nianbao
