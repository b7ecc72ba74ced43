#!/usr/bin/env bash
# The main job as it exists today, in a throwaway CONET_HOME: two wallets, one signs a message
# and a card, the other verifies both. Passwords come from CONET_PASSWORD, as a script would do it.
set -euo pipefail
CONET=${CONET:-.build/debug/conet}
export CONET_HOME=$(mktemp -d)
trap 'rm -rf "$CONET_HOME"' EXIT
export CONET_PASSWORD="demo password"
step() { printf '\n== %s\n' "$*"; }

step "conet --version --json"
"$CONET" --version --json

step "two wallets (light scrypt for speed)"
"$CONET" wallet new alice --light --json | python3 -c 'import json,sys; d=json.load(sys.stdin); d["mnemonic"]="(shown once; hidden here)"; print(json.dumps(d, sort_keys=True))'
"$CONET" wallet new bob --light > /dev/null
"$CONET" wallet list

step "alice signs a message (EIP-191), bob verifies it by address"
alice=$("$CONET" wallet show alice --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["address"])')
signature=$("$CONET" wallet sign alice --message "hello bob, it's alice")
"$CONET" wallet verify --address "$alice" --signature "$signature" --message "hello bob, it's alice" --json
if "$CONET" wallet verify --address "$alice" --signature "$signature" --message "hello bob, it's mallory" > /dev/null; then
  echo "a forged message verified!" >&2; exit 1
fi
echo "(an altered message is rejected with exit 1)"

step "alice's card, added to bob's address book"
"$CONET" wallet card alice --expires 30d -o "$CONET_HOME/alice.card"
cat "$CONET_HOME/alice.card"
"$CONET" wallet contacts add "$CONET_HOME/alice.card" --name alice
"$CONET" wallet contacts list --json

step "alice's keystore, as geth, MetaMask and Foundry read it"
"$CONET" wallet export alice --format keystore | sed -n 1,8p
echo "  ..."
