#!/bin/bash

__conet_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__conet_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__conet_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__conet_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_conet() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version --threat-model --json -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __conet_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    wallet|send|recv|inspect|relay|bench|help)
        # Offer subcommand argument completions
        "_conet_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'wallet send recv inspect relay bench help' -- "${cur}"))
        ;;
    esac
}

_conet_wallet() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __conet_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    new|import|list|show|export|derive|sign|verify|card|contacts|change-password|remove)
        # Offer subcommand argument completions
        "_conet_wallet_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'new import list show export derive sign verify card contacts change-password remove' -- "${cur}"))
        ;;
    esac
}

_conet_wallet_new() {
    repeating_flags=()
    non_repeating_flags=(--force --light --json -h --help)
    repeating_options=()
    non_repeating_options=(--words --password-file)
    __conet_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--words')
        return
        ;;
    '--password-file')
        return
        ;;
    esac
}

_conet_wallet_import() {
    repeating_flags=()
    non_repeating_flags=(--force --light --json -h --help)
    repeating_options=()
    non_repeating_options=(--mnemonic-file --index --path --passphrase-file --private-key-file --keystore --password-file)
    __conet_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--mnemonic-file')
        return
        ;;
    '--index')
        return
        ;;
    '--path')
        return
        ;;
    '--passphrase-file')
        return
        ;;
    '--private-key-file')
        return
        ;;
    '--keystore')
        return
        ;;
    '--password-file')
        return
        ;;
    esac
}

_conet_wallet_list() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=()
    __conet_offer_flags_options 0
}

_conet_wallet_show() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=()
    __conet_offer_flags_options 1
}

_conet_wallet_export() {
    repeating_flags=()
    non_repeating_flags=(--force --unsafe-show-secret -h --help)
    repeating_options=()
    non_repeating_options=(--format --output -o --mailbox --expires --password-file)
    __conet_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--format')
        __conet_add_completions -W 'keystore'$'\n''card'$'\n''private-key'
        return
        ;;
    '--output'|'-o')
        return
        ;;
    '--mailbox')
        return
        ;;
    '--expires')
        return
        ;;
    '--password-file')
        return
        ;;
    esac
}

_conet_wallet_derive() {
    repeating_flags=()
    non_repeating_flags=(--unsafe-show-secret --json -h --help)
    repeating_options=()
    non_repeating_options=(--mnemonic-file --passphrase-file --count --start)
    __conet_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--mnemonic-file')
        return
        ;;
    '--passphrase-file')
        return
        ;;
    '--count')
        return
        ;;
    '--start')
        return
        ;;
    esac
}

_conet_wallet_sign() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--message --password-file)
    __conet_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--message')
        return
        ;;
    '--password-file')
        return
        ;;
    esac
}

_conet_wallet_verify() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--address --signature --message)
    __conet_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--address')
        return
        ;;
    '--signature')
        return
        ;;
    '--message')
        return
        ;;
    esac
}

_conet_wallet_card() {
    repeating_flags=()
    non_repeating_flags=(--force -h --help)
    repeating_options=()
    non_repeating_options=(--output -o --publish --mailbox --expires --password-file)
    __conet_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--output'|'-o')
        return
        ;;
    '--publish')
        return
        ;;
    '--mailbox')
        return
        ;;
    '--expires')
        return
        ;;
    '--password-file')
        return
        ;;
    esac
}

_conet_wallet_contacts() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __conet_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|list|remove)
        # Offer subcommand argument completions
        "_conet_wallet_contacts_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add list remove' -- "${cur}"))
        ;;
    esac
}

_conet_wallet_contacts_add() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--name)
    __conet_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--name')
        return
        ;;
    esac
}

_conet_wallet_contacts_list() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=()
    __conet_offer_flags_options 0
}

_conet_wallet_contacts_remove() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __conet_offer_flags_options 1
}

_conet_wallet_change-password() {
    repeating_flags=()
    non_repeating_flags=(--light -h --help)
    repeating_options=()
    non_repeating_options=(--new-password-file --password-file)
    __conet_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--new-password-file')
        return
        ;;
    '--password-file')
        return
        ;;
    esac
}

_conet_wallet_remove() {
    repeating_flags=()
    non_repeating_flags=(--yes -h --help)
    repeating_options=()
    non_repeating_options=()
    __conet_offer_flags_options 1
}

_conet_send() {
    repeating_flags=()
    non_repeating_flags=(--force --armor --no-compress --pad --hide-recipients --json --wait-receipt -h --help)
    repeating_options=(--to --via)
    non_repeating_options=(--from -o --output --level --ttl --password-file --relay)
    __conet_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--to')
        return
        ;;
    '--from')
        return
        ;;
    '-o'|'--output')
        return
        ;;
    '--level')
        return
        ;;
    '--ttl')
        return
        ;;
    '--password-file')
        return
        ;;
    '--relay')
        return
        ;;
    '--via')
        return
        ;;
    esac
}

_conet_recv() {
    repeating_flags=()
    non_repeating_flags=(--force --follow --json -h --help)
    repeating_options=(--wallet)
    non_repeating_options=(--expect-from -o --output --relay --max-size --password-file)
    __conet_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--wallet')
        return
        ;;
    '--expect-from')
        return
        ;;
    '-o'|'--output')
        return
        ;;
    '--relay')
        return
        ;;
    '--max-size')
        return
        ;;
    '--password-file')
        return
        ;;
    esac
}

_conet_inspect() {
    repeating_flags=()
    non_repeating_flags=(--hex --json -h --help)
    repeating_options=(--wallet)
    non_repeating_options=(--capture --port --keylog --password-file)
    __conet_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--wallet')
        return
        ;;
    '--capture')
        return
        ;;
    '--port')
        return
        ;;
    '--keylog')
        return
        ;;
    '--password-file')
        return
        ;;
    esac
}

_conet_relay() {
    repeating_flags=()
    non_repeating_flags=(--verbose --json -h --help)
    repeating_options=(--peer)
    non_repeating_options=(--listen --data --wallet --max-message-size --mailbox-bytes --mailbox-messages --max-ttl --store-bytes --max-connections --max-connections-per-address --rate --idle-timeout --record-timeout --max-forwards --max-forwards-per-peer --max-forwards-per-address --upload-bytes --handshake-timeout --stamp-bits --drain-timeout --password-file)
    __conet_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--listen')
        return
        ;;
    '--data')
        return
        ;;
    '--wallet')
        return
        ;;
    '--max-message-size')
        return
        ;;
    '--mailbox-bytes')
        return
        ;;
    '--mailbox-messages')
        return
        ;;
    '--max-ttl')
        return
        ;;
    '--store-bytes')
        return
        ;;
    '--max-connections')
        return
        ;;
    '--max-connections-per-address')
        return
        ;;
    '--rate')
        return
        ;;
    '--idle-timeout')
        return
        ;;
    '--record-timeout')
        return
        ;;
    '--max-forwards')
        return
        ;;
    '--max-forwards-per-peer')
        return
        ;;
    '--max-forwards-per-address')
        return
        ;;
    '--upload-bytes')
        return
        ;;
    '--handshake-timeout')
        return
        ;;
    '--stamp-bits')
        return
        ;;
    '--drain-timeout')
        return
        ;;
    '--peer')
        return
        ;;
    '--password-file')
        return
        ;;
    esac
}

_conet_bench() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--seconds --input --compare --tolerance)
    __conet_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--seconds')
        return
        ;;
    '--input')
        return
        ;;
    '--compare')
        return
        ;;
    '--tolerance')
        return
        ;;
    esac
}

_conet_help() {
    :
}

complete -o filenames -F _conet conet
