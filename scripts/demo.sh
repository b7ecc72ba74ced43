#!/usr/bin/env bash
# The main job as it exists today, in a throwaway CONET_HOME: two wallets sign, verify and swap
# cards; then a real folder is sent from one to the other as a sealed message and received back
# intact. Passwords come from CONET_PASSWORD, as a script would do it.
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

step "alice sends a folder to bob's card: tar | conet send > project.conet"
"$CONET" wallet card bob -o "$CONET_HOME/bob.card"
tar -C "$(dirname "$(realpath "$0")")/.." -c Sources docs | "$CONET" send --from alice --to "$CONET_HOME/bob.card" --json > "$CONET_HOME/project.conet"
ls -l "$CONET_HOME/project.conet" | awk '{print $5 " bytes sealed"}'

step "what anyone can see in it (no key)"
"$CONET" inspect "$CONET_HOME/project.conet"

step "bob receives it: conet recv < project.conet | tar x (report as JSON)"
mkdir "$CONET_HOME/received"
"$CONET" recv --wallet bob --expect-from "$alice" --json < "$CONET_HOME/project.conet" 2> "$CONET_HOME/report.json" | tar -C "$CONET_HOME/received" -x
cat "$CONET_HOME/report.json"
diff -r "$(dirname "$(realpath "$0")")/../Sources" "$CONET_HOME/received/Sources" && echo "(the received folder is identical)"

step "one flipped byte is caught, and no output file is left"
python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[len(b)//2]^=1; open(sys.argv[2],"wb").write(b)' \
  "$CONET_HOME/project.conet" "$CONET_HOME/damaged.conet"
status=0
"$CONET" recv --wallet bob "$CONET_HOME/damaged.conet" -o "$CONET_HOME/damaged.tar" || status=$?
if [ "$status" -eq 0 ] || [ -e "$CONET_HOME/damaged.tar" ]; then
  echo "a damaged message was accepted!" >&2; exit 1
fi
echo "(rejected with exit $status; damaged.tar does not exist)"

step "a relay on 127.0.0.1: addressed by its own wallet"
"$CONET" wallet new relay --light > /dev/null
"$CONET" relay --wallet relay --listen 127.0.0.1:0 --data "$CONET_HOME/relay" --verbose > "$CONET_HOME/relay.endpoint" 2> "$CONET_HOME/relay.log" &
relay_pid=$!
trap 'kill $relay_pid 2>/dev/null || true; rm -rf "$CONET_HOME"' EXIT
for _ in $(seq 100); do [ -s "$CONET_HOME/relay.endpoint" ] && break; sleep 0.1; done
relay=$(cat "$CONET_HOME/relay.endpoint")
echo "relay: $relay"

step "alice and bob publish their cards on it"
"$CONET" wallet card alice --publish "$relay"
"$CONET" wallet card bob --publish "$relay" && echo "(both cards published)"
bob=$("$CONET" wallet show bob --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["address"])')

step "alice sends README.md to bob's bare address through the relay"
"$CONET" send --relay "$relay" --from alice --to "$bob" README.md --json

step "bob receives it: verified, written durably, then acknowledged (deleted on the relay)"
"$CONET" recv --relay "$relay" --wallet bob --expect-from "$alice" -o "$CONET_HOME/inbox" --json
cmp README.md "$CONET_HOME"/inbox/* && echo "(identical to README.md)"

step "the relay's log (JSON lines)"
cat "$CONET_HOME/relay.log"

step "Layer Minus: three fresh relays (entry, middle, bob's mailbox relay), each knowing the next by its card"
start_relay() {  # name, extra arguments; prints the endpoint
  "$CONET" wallet new "$1" --light > /dev/null
  "$CONET" relay --wallet "$1" --listen 127.0.0.1:0 --data "$CONET_HOME/$1" "${@:2}" > "$CONET_HOME/$1.endpoint" 2> "$CONET_HOME/$1.log" &
  echo $! > "$CONET_HOME/$1.pid"
  for _ in $(seq 100); do [ -s "$CONET_HOME/$1.endpoint" ] && break; sleep 0.1; done
  cat "$CONET_HOME/$1.endpoint"
}
mailbox=$(start_relay mailbox)
"$CONET" wallet card mailbox --mailbox "$mailbox" -o "$CONET_HOME/mailbox-relay.card"
middle=$(start_relay middle --peer "$CONET_HOME/mailbox-relay.card")
"$CONET" wallet card middle --mailbox "$middle" -o "$CONET_HOME/middle.card"
entry=$(start_relay entry --peer "$CONET_HOME/middle.card")
trap 'kill $relay_pid $(cat "$CONET_HOME"/*.pid) 2>/dev/null || true; rm -rf "$CONET_HOME"' EXIT
echo "entry:   $entry"; echo "middle:  $middle"; echo "mailbox: $mailbox (bob's card names it)"
"$CONET" wallet card bob --mailbox "$mailbox" -o "$CONET_HOME/bob-mailbox.card"
"$CONET" wallet contacts add "$CONET_HOME/bob-mailbox.card" --name bob-card > /dev/null
"$CONET" wallet contacts add "$CONET_HOME/mailbox-relay.card" --name mailbox-relay > /dev/null

step "alice sends a file to bob over three relays, padded, and waits for the mailbox relay's receipt"
"$CONET" send --from alice --to bob-card --via "$entry" --via "$middle" --pad --wait-receipt docs/PROTOCOL.md --json
"$CONET" recv --relay "$mailbox" --wallet bob --expect-from "$alice" -o "$CONET_HOME/inbox2" --json > /dev/null
cmp docs/PROTOCOL.md "$CONET_HOME"/inbox2/* && echo "(bob received docs/PROTOCOL.md intact and verified)"

step "what each relay's own data and log show (searched for alice's and bob's addresses and alice's connection)"
alice_port=$(grep -o '"peer":"[^"]*"' "$CONET_HOME/entry.log" | tail -n 1 | grep -o '127\.0\.0\.1:[0-9]*' | tail -n 1)
knows() { if grep -aqi -e "$2" "$CONET_HOME/$1.log" $(find "$CONET_HOME/$1" -type f); then echo yes; else echo no; fi; }
printf '%-8s %-22s %-16s %-14s\n' relay "alice's connection" "alice's wallet" "bob's wallet"
for r in entry middle mailbox; do
  printf '%-8s %-22s %-16s %-14s\n' "$r" "$(knows $r "$alice_port")" "$(knows $r "${alice#0x}")" "$(knows $r "${bob#0x}")"
done
echo "(the entry relay knew alice's connection, not bob; the mailbox relay knew bob, not alice)"

step "clean stops"
kill -TERM $relay_pid $(cat "$CONET_HOME"/*.pid)
wait $relay_pid && echo "(relays stopped cleanly)"
