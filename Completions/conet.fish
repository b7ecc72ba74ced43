function __conet_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __conet_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __conet_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __conet_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __conet_parse_tokens -S
    set -l unparsed_tokens (__conet_tokens -pc)
    switch $unparsed_tokens[1]
    case 'conet'
        __conet_parse_subcommand 0 'version' 'threat-model' 'json' 'h/help'
        switch $unparsed_tokens[1]
        case 'wallet'
            __conet_parse_subcommand 0 'h/help'
            switch $unparsed_tokens[1]
            case 'new'
                __conet_parse_subcommand 1 'words=' 'force' 'light' 'password-file=' 'json' 'h/help'
            case 'import'
                __conet_parse_subcommand 1 'mnemonic-file=' 'index=' 'path=' 'passphrase-file=' 'private-key-file=' 'keystore=' 'force' 'light' 'password-file=' 'json' 'h/help'
            case 'list'
                __conet_parse_subcommand 0 'json' 'h/help'
            case 'show'
                __conet_parse_subcommand 1 'json' 'h/help'
            case 'export'
                __conet_parse_subcommand 1 'format=' 'o/output=' 'force' 'unsafe-show-secret' 'mailbox=' 'expires=' 'password-file=' 'h/help'
            case 'derive'
                __conet_parse_subcommand 0 'mnemonic-file=' 'passphrase-file=' 'count=' 'start=' 'unsafe-show-secret' 'json' 'h/help'
            case 'sign'
                __conet_parse_subcommand 2 'message=' 'password-file=' 'json' 'h/help'
            case 'verify'
                __conet_parse_subcommand 1 'address=' 'signature=' 'message=' 'json' 'h/help'
            case 'card'
                __conet_parse_subcommand 1 'o/output=' 'force' 'publish=' 'mailbox=' 'expires=' 'password-file=' 'h/help'
            case 'contacts'
                __conet_parse_subcommand 0 'h/help'
                switch $unparsed_tokens[1]
                case 'add'
                    __conet_parse_subcommand 1 'name=' 'json' 'h/help'
                case 'list'
                    __conet_parse_subcommand 0 'json' 'h/help'
                case 'remove'
                    __conet_parse_subcommand 1 'h/help'
                end
            case 'change-password'
                __conet_parse_subcommand 1 'new-password-file=' 'light' 'password-file=' 'h/help'
            case 'remove'
                __conet_parse_subcommand 1 'yes' 'h/help'
            end
        case 'send'
            __conet_parse_subcommand 1 'to=+' 'from=' 'o/output=' 'force' 'armor' 'level=' 'no-compress' 'pad' 'ttl=' 'hide-recipients' 'password-file=' 'json' 'relay=' 'via=+' 'wait-receipt' 'h/help'
        case 'recv'
            __conet_parse_subcommand 1 'wallet=+' 'expect-from=' 'o/output=' 'force' 'relay=' 'follow' 'max-size=' 'password-file=' 'json' 'h/help'
        case 'inspect'
            __conet_parse_subcommand 1 'wallet=+' 'capture=' 'port=' 'keylog=' 'hex' 'password-file=' 'json' 'h/help'
        case 'relay'
            __conet_parse_subcommand 0 'listen=' 'data=' 'wallet=' 'max-message-size=' 'mailbox-bytes=' 'mailbox-messages=' 'max-ttl=' 'store-bytes=' 'max-connections=' 'max-connections-per-address=' 'rate=' 'idle-timeout=' 'record-timeout=' 'max-forwards=' 'max-forwards-per-peer=' 'max-forwards-per-address=' 'upload-bytes=' 'handshake-timeout=' 'stamp-bits=' 'drain-timeout=' 'verbose' 'peer=+' 'password-file=' 'json' 'h/help'
        case 'bench'
            __conet_parse_subcommand -r 1 'seconds=' 'input=' 'compare=' 'tolerance=' 'json' 'h/help'
        case 'help'
            __conet_parse_subcommand -r 1 
        end
    end
end

function __conet_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __conet_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __conet_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __conet_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__conet_tokens -p)
    if test -z "$(__conet_tokens -t)"
        set -l index (count (__conet_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'conet' -f
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet" version' -l 'version' -d 'Print the conet version and the linked libsodium and zstd versions.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet" threat-model' -l 'threat-model' -d 'Print the threat model: what observers and relays can and cannot learn (docs/THREAT-MODEL.md).'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet" json' -l 'json' -d 'Print JSON (keys sorted) instead of text.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'conet' -n '__conet_should_offer_completions_for_positional "conet" -eq 1' -fa 'wallet' -d 'Create, import, derive, export, sign and verify with secp256k1 wallets.'
complete -c 'conet' -n '__conet_should_offer_completions_for_positional "conet" -eq 1' -fa 'send' -d 'Compress, encrypt and sign data for one or more wallets.'
complete -c 'conet' -n '__conet_should_offer_completions_for_positional "conet" -eq 1' -fa 'recv' -d 'Verify, decrypt and decompress a message sent to one of your wallets.'
complete -c 'conet' -n '__conet_should_offer_completions_for_positional "conet" -eq 1' -fa 'inspect' -d 'Show a message\'s header, recipients, chunks and size breakdown.'
complete -c 'conet' -n '__conet_should_offer_completions_for_positional "conet" -eq 1' -fa 'relay' -d 'Run a relay: mailboxes addressed by wallet, durable, with limits on by default.'
complete -c 'conet' -n '__conet_should_offer_completions_for_positional "conet" -eq 1' -fa 'bench' -d 'Benchmark the crypto, compression and envelope layers.'
complete -c 'conet' -n '__conet_should_offer_completions_for_positional "conet" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'conet' -n '__conet_should_offer_completions_for_positional "conet wallet" -eq 1' -fa 'new' -d 'Create a wallet from a new BIP-39 mnemonic (account m/44\'/60\'/0\'/0/0).'
complete -c 'conet' -n '__conet_should_offer_completions_for_positional "conet wallet" -eq 1' -fa 'import' -d 'Import a wallet from a mnemonic, a raw private key, or a v3 keystore.'
complete -c 'conet' -n '__conet_should_offer_completions_for_positional "conet wallet" -eq 1' -fa 'list' -d 'List wallets (public data only; no password needed).'
complete -c 'conet' -n '__conet_should_offer_completions_for_positional "conet wallet" -eq 1' -fa 'show' -d 'Show a wallet\'s address, public key and path (never secrets).'
complete -c 'conet' -n '__conet_should_offer_completions_for_positional "conet wallet" -eq 1' -fa 'export' -d 'Export a wallet as a standard v3 keystore, a signed card, or (explicitly) its private key.'
complete -c 'conet' -n '__conet_should_offer_completions_for_positional "conet wallet" -eq 1' -fa 'derive' -d 'List the accounts of a mnemonic on m/44\'/60\'/0\'/0/i without storing anything.'
complete -c 'conet' -n '__conet_should_offer_completions_for_positional "conet wallet" -eq 1' -fa 'sign' -d 'Sign a message with EIP-191 personal_sign (as MetaMask and \'cast wallet sign\' do).'
complete -c 'conet' -n '__conet_should_offer_completions_for_positional "conet wallet" -eq 1' -fa 'verify' -d 'Check an EIP-191 signature: exit 0 when ADDRESS signed the message, 1 when not.'
complete -c 'conet' -n '__conet_should_offer_completions_for_positional "conet wallet" -eq 1' -fa 'card' -d 'Make a signed contact card: {address, publicKey, mailbox?, created, expires?, signature}.'
complete -c 'conet' -n '__conet_should_offer_completions_for_positional "conet wallet" -eq 1' -fa 'contacts' -d 'The address book of verified cards.'
complete -c 'conet' -n '__conet_should_offer_completions_for_positional "conet wallet" -eq 1' -fa 'change-password' -d 'Re-encrypt a wallet under a new password (atomically: the old file stays until the new one is complete).'
complete -c 'conet' -n '__conet_should_offer_completions_for_positional "conet wallet" -eq 1' -fa 'remove' -d 'Delete a wallet file (irreversible unless you kept the mnemonic or an export).'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet new" words' -l 'words' -d 'Mnemonic length: 12 or 24 words.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet new" force' -l 'force' -d 'Replace an existing wallet of the same name.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet new" light' -l 'light' -d 'Use scrypt N=2^12 instead of 2^18 (fast, weaker: for tests and throwaway wallets).'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet new" password-file' -l 'password-file' -d 'Read the wallet password from the first line of FILE.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet new" json' -l 'json' -d 'Print JSON (keys sorted) instead of text.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet new" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet import" mnemonic-file' -l 'mnemonic-file' -d 'File holding a BIP-39 mnemonic.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet import" index' -l 'index' -d 'Account index on m/44\'/60\'/0\'/0/INDEX (with --mnemonic-file), 0...2147483647.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet import" path' -l 'path' -d 'Full derivation path instead of --index, e.g. "m/44\'/60\'/1\'/0/0".' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet import" passphrase-file' -l 'passphrase-file' -d 'File holding the BIP-39 passphrase (the optional 25th word).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet import" private-key-file' -l 'private-key-file' -d 'File holding a private key in hex.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet import" keystore' -l 'keystore' -d 'A v3 keystore JSON file (geth, MetaMask, Foundry).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet import" force' -l 'force' -d 'Replace an existing wallet of the same name.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet import" light' -l 'light' -d 'Use scrypt N=2^12 instead of 2^18 (fast, weaker: for tests and throwaway wallets).'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet import" password-file' -l 'password-file' -d 'Read the wallet password from the first line of FILE.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet import" json' -l 'json' -d 'Print JSON (keys sorted) instead of text.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet import" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet list" json' -l 'json' -d 'Print JSON (keys sorted) instead of text.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet show" json' -l 'json' -d 'Print JSON (keys sorted) instead of text.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet export" format' -l 'format' -d 'keystore, card or private-key.' -rfka 'keystore card private-key'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet export" o output' -l 'output' -s 'o' -d 'Write to FILE (atomically, mode 0600) instead of standard output.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet export" force' -l 'force' -d 'Replace FILE if it exists.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet export" unsafe-show-secret' -l 'unsafe-show-secret' -d 'Required to print the private key.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet export" mailbox' -l 'mailbox' -d 'Mailbox relay to put on the card: 0xRELAYADDRESS@host:port.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet export" expires' -l 'expires' -d 'Card lifetime, e.g. 30d, 12h, 1y (default: no expiry).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet export" password-file' -l 'password-file' -d 'Read the wallet password from the first line of FILE.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet export" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet derive" mnemonic-file' -l 'mnemonic-file' -d 'File holding a BIP-39 mnemonic.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet derive" passphrase-file' -l 'passphrase-file' -d 'File holding the BIP-39 passphrase.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet derive" count' -l 'count' -d 'How many accounts (1...1000).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet derive" start' -l 'start' -d 'First account index, 0...2147483647.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet derive" unsafe-show-secret' -l 'unsafe-show-secret' -d 'Also print each private key.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet derive" json' -l 'json' -d 'Print JSON (keys sorted) instead of text.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet derive" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet sign" message' -l 'message' -d 'The message text (UTF-8) instead of a file.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet sign" password-file' -l 'password-file' -d 'Read the wallet password from the first line of FILE.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet sign" json' -l 'json' -d 'Print JSON (keys sorted) instead of text.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet sign" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet verify" address' -l 'address' -d 'The address that should have signed.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet verify" signature' -l 'signature' -d 'The 65-byte signature as hex.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet verify" message' -l 'message' -d 'The message text (UTF-8) instead of a file.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet verify" json' -l 'json' -d 'Print JSON (keys sorted) instead of text.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet verify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet card" o output' -l 'output' -s 'o' -d 'Write the card to FILE instead of standard output.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet card" force' -l 'force' -d 'Replace FILE if it exists.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet card" publish' -l 'publish' -d 'Also publish the card on this relay (0xADDRESS@host:port or a relay card file).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet card" mailbox' -l 'mailbox' -d 'Mailbox relay to put on the card: 0xRELAYADDRESS@host:port.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet card" expires' -l 'expires' -d 'Card lifetime, e.g. 30d, 12h, 1y (default: no expiry).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet card" password-file' -l 'password-file' -d 'Read the wallet password from the first line of FILE.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet card" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet contacts" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'conet' -n '__conet_should_offer_completions_for_positional "conet wallet contacts" -eq 1' -fa 'add' -d 'Verify a card and add it (or replace the card of the same address).'
complete -c 'conet' -n '__conet_should_offer_completions_for_positional "conet wallet contacts" -eq 1' -fa 'list' -d 'List contacts.'
complete -c 'conet' -n '__conet_should_offer_completions_for_positional "conet wallet contacts" -eq 1' -fa 'remove' -d 'Remove a contact by name or address.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet contacts add" name' -l 'name' -d 'A local name for the contact.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet contacts add" json' -l 'json' -d 'Print JSON (keys sorted) instead of text.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet contacts add" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet contacts list" json' -l 'json' -d 'Print JSON (keys sorted) instead of text.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet contacts list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet contacts remove" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet change-password" new-password-file' -l 'new-password-file' -d 'Read the new password from the first line of FILE.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet change-password" light' -l 'light' -d 'Use scrypt N=2^12 instead of 2^18 (fast, weaker: for tests and throwaway wallets).'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet change-password" password-file' -l 'password-file' -d 'Read the wallet password from the first line of FILE.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet change-password" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet remove" yes' -l 'yes' -d 'Confirm the deletion.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet wallet remove" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet send"' -l 'to' -d 'A recipient: contact or wallet name, contact 0xADDRESS, public key hex, or card file (a path with \'/\' or ending in .json); contact:NAME, wallet:NAME, card:PATH say which.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet send" from' -l 'from' -d 'The sending wallet (default: $CONET_WALLET or the only wallet).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet send" o output' -s 'o' -l 'output' -d 'Write the message to FILE instead of standard output.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet send" force' -l 'force' -d 'Overwrite FILE if it exists.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet send" armor' -l 'armor' -d 'Write the text form (base64 between BEGIN/END lines) instead of binary.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet send" level' -l 'level' -d 'zstd level, -7...22 (default 3).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet send" no-compress' -l 'no-compress' -d 'Do not compress.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet send" pad' -l 'pad' -d 'Pad the payload to a size bucket (PADMÉ, at least 1 KiB), so sizes leak less.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet send" ttl' -l 'ttl' -d 'How long relays may keep the message, e.g. 12h, 7d (default 7d).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet send" hide-recipients' -l 'hide-recipients' -d 'Leave recipient addresses out of the message; recipients find their copy by trial decryption.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet send" password-file' -l 'password-file' -d 'Read the wallet password from the first line of FILE.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet send" json' -l 'json' -d 'Print JSON (keys sorted) instead of text.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet send" relay' -l 'relay' -d 'Deposit the message on this relay instead of writing it: 0xADDRESS@host:port or a relay card file.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet send"' -l 'via' -d 'Route through this relay, entry first (repeatable, at most two); the recipient\'s card names the last relay: 0xADDRESS@host:port or a relay card file.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet send" wait-receipt' -l 'wait-receipt' -d 'With --via: print the mailbox relay\'s signed delivery receipt (verified) in the report.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet send" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet recv"' -l 'wallet' -d 'A wallet to try (repeatable; default: all wallets).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet recv" expect-from' -l 'expect-from' -d 'Fail unless the message is signed by this address.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet recv" o output' -s 'o' -l 'output' -d 'Write the content to FILE (only if everything verifies).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet recv" force' -l 'force' -d 'Overwrite FILE if it exists.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet recv" relay' -l 'relay' -d 'Fetch from this relay (0xADDRESS@host:port or a relay card file); -o then names a folder.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet recv" follow' -l 'follow' -d 'With --relay: stay connected and receive messages as they arrive (until interrupted).'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet recv" max-size' -l 'max-size' -d 'Refuse a message whose content is larger than SIZE (e.g. 4GiB): a guard against decompression bombs (default: none for a FILE, 1GiB with --relay).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet recv" password-file' -l 'password-file' -d 'Read the wallet password from the first line of FILE.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet recv" json' -l 'json' -d 'Print JSON (keys sorted) instead of text.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet recv" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet inspect"' -l 'wallet' -d 'Also open and verify it with this wallet (repeatable).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet inspect" capture' -l 'capture' -d 'Decode the conet relay sessions in this pcap or pcapng capture instead of a message.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet inspect" port' -l 'port' -d 'With --capture: only TCP conversations with this port on either side.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet inspect" keylog' -l 'keylog' -d 'With --capture: a CONET_KEYLOG file, to decrypt the sessions whose keys it holds.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet inspect" hex' -l 'hex' -d 'Print an annotated hex dump (offset, bytes, field) of the message, or of every captured record.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet inspect" password-file' -l 'password-file' -d 'Read the wallet password from the first line of FILE.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet inspect" json' -l 'json' -d 'Print JSON (keys sorted) instead of text.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet inspect" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" listen' -l 'listen' -d 'Address and port to listen on (port 0: any free port).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" data' -l 'data' -d 'Data folder (default: $CONET_HOME/relay).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" wallet' -l 'wallet' -d 'The relay\'s wallet (default: $CONET_WALLET or the only wallet).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" max-message-size' -l 'max-message-size' -d 'Largest message accepted (e.g. 256MiB).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" mailbox-bytes' -l 'mailbox-bytes' -d 'Bytes a mailbox may hold.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" mailbox-messages' -l 'mailbox-messages' -d 'Messages a mailbox may hold.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" max-ttl' -l 'max-ttl' -d 'Longest a message is kept, whatever its own TTL (e.g. 30d).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" store-bytes' -l 'store-bytes' -d 'Bytes of waiting messages the whole store may hold, over all mailboxes.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" max-connections' -l 'max-connections' -d 'Simultaneous connections (lowered to what the open-file limit allows).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" max-connections-per-address' -l 'max-connections-per-address' -d 'Simultaneous connections from one address (an IPv6 /64 counts as one).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" rate' -l 'rate' -d 'Records per second per connection before it is slowed down.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" idle-timeout' -l 'idle-timeout' -d 'Close connections that complete no record, either way, for this long.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" record-timeout' -l 'record-timeout' -d 'Close connections that take longer than this to finish a record they started (at most 64 KiB).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" max-forwards' -l 'max-forwards' -d 'Onion layers passed on at once (more are refused as busy).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" max-forwards-per-peer' -l 'max-forwards-per-peer' -d 'Onion layers passed on at once to any one next relay.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" max-forwards-per-address' -l 'max-forwards-per-address' -d 'Onion layers from any one address passed on at once.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" upload-bytes' -l 'upload-bytes' -d 'Bytes of deposits being received at once, over all connections (staged on disk until checked).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" handshake-timeout' -l 'handshake-timeout' -d 'Close connections that have not finished the handshake in this time.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" stamp-bits' -l 'stamp-bits' -d 'Hashcash bits anonymous deposits must carry (0: none).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" drain-timeout' -l 'drain-timeout' -d 'On SIGINT/SIGTERM, how long sessions in flight may finish before they are closed.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" verbose' -l 'verbose' -d 'Also log every stored and acknowledged message (mailbox, id, size).'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay"' -l 'peer' -d 'Another relay\'s card (its wallet card naming its endpoint), to forward onion layers to (repeatable). Relay cards published to this relay count too.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" password-file' -l 'password-file' -d 'Read the wallet password from the first line of FILE.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" json' -l 'json' -d 'Print JSON (keys sorted) instead of text.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet relay" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet bench" seconds' -l 'seconds' -d 'Seconds of timing per figure (split over 5 runs; the direct C timing doubles it).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet bench" input' -l 'input' -d 'A file to use as the zstd suite\'s corpus instead of the built-in one (at most 256 MiB).' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet bench" compare' -l 'compare' -d 'An earlier \'conet bench --json\' report: print how each figure changed.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet bench" tolerance' -l 'tolerance' -d 'With --compare: the change, in percent, beyond which a figure counts as a regression.' -rfka ''
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet bench" json' -l 'json' -d 'Print JSON (keys sorted) instead of text.'
complete -c 'conet' -n '__conet_should_offer_completions_for_flags_or_options "conet bench" h help' -s 'h' -l 'help' -d 'Show help information.'
