#!/usr/bin/env bash
# The production test of the deployment plan, against any running Deltica server: health, CRUD,
# file upload/download, 3 users at once, a backup and its manifest, 10+ users on 1,000+
# instruments; prints a pass/fail table and cleans up what it created (test instruments, its
# users are deactivated; the backup stays in the history). With --destructive (a TEST server
# only, run on the server host) it also restores that backup and checks the data.
#   deploy/smoke.sh --url http://192.168.1.100:8000 --password '<admin password>'
# Needs curl, jq, tar, sha256sum. Exit code 0 only when every check passed.
set -uo pipefail
export LC_ALL=C.UTF-8

url=${SMOKE_URL:-http://127.0.0.1:8000}
user=${SMOKE_USER:-admin}
password=${SMOKE_PASSWORD:-}
instruments=1000
load_users=10
requests_per_user=20
destructive=0
while (($#)); do
  case $1 in
    --url) url=${2%/}; shift 2 ;;
    --user) user=$2; shift 2 ;;
    --password) password=$2; shift 2 ;;
    --instruments) instruments=$2; shift 2 ;;
    --users) load_users=$2; shift 2 ;;
    --destructive) destructive=1; shift ;;
    -h | --help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "неизвестный параметр: $1" >&2; exit 64 ;;
  esac
done
[[ -n "$password" ]] || { echo "укажите --password (или SMOKE_PASSWORD)" >&2; exit 64; }
for tool in curl jq tar sha256sum; do
  command -v "$tool" >/dev/null || { echo "нужна программа $tool" >&2; exit 69; }
done

tmp=$(mktemp -d)
run_id="smoke$(date +%s)"
created_ids=()
names=()
states=()
notes=()
failed=0

record() { # name PASS|FAIL note
  names+=("$1")
  states+=("$2")
  notes+=("$3")
  [[ "$2" == PASS ]] || failed=1
  printf '%-4s %s — %s\n' "$2" "$1" "$3" >&2
}

# api METHOD PATH [JSON] → body in $tmp/body, status printed
api() {
  local method=$1 path=$2 body=${3:-}
  local args=(-sS -k -o "$tmp/body" -w '%{http_code}' -X "$method" -H "authorization: Bearer ${token:-}")
  [[ -n "$body" ]] && args+=(-H 'content-type: application/json' --data-binary "$body")
  curl "${args[@]}" "$url$path" 2>/dev/null || echo 000
}

login() { # user password → token
  curl -sS -k -X POST "$url/api/auth/login" -H 'content-type: application/json' \
    --data-binary "$(jq -nc --arg u "$1" --arg p "$2" '{username:$u,password:$p}')" | jq -r '.token // empty'
}

cleanup() {
  if ((${#created_ids[@]})); then
    printf '%s\n' "${created_ids[@]}" | xargs -P 8 -I{} curl -sS -k -o /dev/null -X DELETE \
      -H "authorization: Bearer $token" "$url/api/equipment/{}"
  fi
  for i in $(seq 1 "$load_users"); do
    local id
    id=$(curl -sS -k -H "authorization: Bearer $token" "$url/api/users" |
      jq -r --arg u "smoke_u$i" '(.items // .)[] | select(.username == $u) | .id' 2>/dev/null)
    [[ -n "$id" ]] && curl -sS -k -o /dev/null -X PATCH -H "authorization: Bearer $token" \
      -H 'content-type: application/json' --data-binary '{"active":false}' "$url/api/users/$id"
  done
  rm -rf "$tmp"
}

# ── 1. health ────────────────────────────────────────────────────────────────────────────────
status=$(api GET /api/health)
if [[ "$status" == 200 && "$(jq -r .status "$tmp/body")" == ok ]]; then
  record "Сервер отвечает" PASS "версия $(jq -r .version "$tmp/body")"
else
  record "Сервер отвечает" FAIL "GET /api/health → $status"
  exit 1
fi

token=$(login "$user" "$password")
[[ -n "$token" ]] || { record "Вход администратора" FAIL "логин $user не принят"; exit 1; }
record "Вход администратора" PASS "$user"
trap cleanup EXIT

department=$(curl -sS -k -H "authorization: Bearer $token" "$url/api/departments" | jq -r '.items[0].code')

# JSON bodies of test instruments numbered $1…$2, one per line (one jq run for all of them)
instruments_json() {
  jq -nc --argjson from "$1" --argjson to "$2" --arg run "$run_id" --arg d "$department" '
    range($from; $to + 1) | tostring as $n | {
      equipment_name: "Манометр (проверка)", equipment_model: "МП-100", equipment_type: "SI",
      factory_number: ("F-" + $run + "-" + $n), inventory_number: ("SMOKE-" + $run + "-" + $n),
      verification_type: "verification", verification_interval: 12,
      verification_date: "2026-01-15", verification_state: "state_work", department: $d,
      responsible_person: "Проверка П.П.", budget_item: "11.03.02.01", cost_rate: 1000 }'
}
instrument() { instruments_json "$1" "$1"; }

# ── 2. CRUD ──────────────────────────────────────────────────────────────────────────────────
crud_note=""
status=$(api POST /api/equipment "$(instrument 0)")
if [[ "$status" == 201 ]]; then
  id=$(jq -r .id "$tmp/body")
  version=$(jq -r .version "$tmp/body")
  created_ids+=("$id")
  s_read=$(api GET "/api/equipment/$id")
  s_patch=$(api PATCH "/api/equipment/$id" "{\"equipment_model\":\"МП-160\",\"version\":$version}")
  model=$(jq -r .equipment_model "$tmp/body")
  s_delete=$(api DELETE "/api/equipment/$id")
  s_gone=$(api GET "/api/equipment/$id")
  crud_note="создание 201, чтение $s_read, изменение $s_patch ($model), удаление $s_delete, затем $s_gone"
  if [[ "$s_read" == 200 && "$s_patch" == 200 && "$model" == МП-160 && "$s_delete" == 204 && "$s_gone" == 404 ]]; then
    created_ids=()
    record "CRUD оборудования" PASS "$crud_note"
  else
    record "CRUD оборудования" FAIL "$crud_note"
  fi
else
  record "CRUD оборудования" FAIL "создание → $status: $(head -c 300 "$tmp/body")"
fi

# ── 3. files ─────────────────────────────────────────────────────────────────────────────────
status=$(api POST /api/equipment "$(instrument 999999)")
if [[ "$status" == 201 ]]; then
  id=$(jq -r .id "$tmp/body")
  created_ids+=("$id")
  { printf '%%PDF-1.4\n%% Deltica smoke %s\n' "$run_id"; head -c 200000 /dev/urandom | base64; printf '\n%%%%EOF\n'; } >"$tmp/свидетельство.pdf"
  up=$(curl -sS -k -o "$tmp/up" -w '%{http_code}' -H "authorization: Bearer $token" \
    -F "category=verification_docs" -F "file=@$tmp/свидетельство.pdf;type=application/pdf" \
    "$url/api/upload/equipment/$id")
  file_id=$(jq -r '.id // empty' "$tmp/up")
  down=$(curl -sS -k -o "$tmp/down.pdf" -w '%{http_code}' -H "authorization: Bearer $token" \
    "$url/api/upload/$file_id?download=1")
  a=$(sha256sum <"$tmp/свидетельство.pdf" | cut -c1-64)
  b=$(sha256sum <"$tmp/down.pdf" | cut -c1-64)
  if [[ "$up" == 201 && "$down" == 200 && "$a" == "$b" ]]; then
    record "Загрузка и скачивание файла" PASS "$(stat -c %s "$tmp/down.pdf") байт, sha256 совпадает"
  else
    record "Загрузка и скачивание файла" FAIL "загрузка $up, скачивание $down, sha256 $([[ $a == "$b" ]] && echo совпадает || echo разный)"
  fi
else
  record "Загрузка и скачивание файла" FAIL "не создано оборудование: $status"
fi

# ── test users (laborants of the department + one admin) ─────────────────────────────────────
user_password="Smoke-$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
ensure_user() { # n
  local name="smoke_u$1" role=laborant
  (($1 == 1)) && role="admin"
  local body
  body=$(jq -nc --arg u "$name" --arg p "$user_password" --arg r "$role" --arg d "$department" \
    '{username:$u, full_name:"Проверка", role:$r, department:(if $r == "admin" then null else $d end), password:$p, active:true}')
  local s
  s=$(api POST /api/users "$body")
  if [[ "$s" == 409 ]]; then
    local id
    id=$(curl -sS -k -H "authorization: Bearer $token" "$url/api/users" |
      jq -r --arg u "$name" '(.items // .)[] | select(.username == $u) | .id')
    s=$(api PATCH "/api/users/$id" "$(jq -nc --arg p "$user_password" '{password:$p, active:true, unlock:true}')")
  fi
  [[ "$s" == 201 || "$s" == 200 ]]
}
users_ok=1
for i in $(seq 1 "$load_users"); do ensure_user "$i" || users_ok=0; done

# ── 4. three users at once ───────────────────────────────────────────────────────────────────
if ((users_ok)); then
  for i in 1 2 3; do
    (
      t=$(login "smoke_u$i" "$user_password")
      [[ -n "$t" ]] || { echo fail >"$tmp/three.$i"; exit; }
      codes=""
      for p in /api/equipment?limit=50 /api/stats/summary /api/equipment?q=%D0%BC%D0%B0%D0%BD%D0%BE%D0%BC%D0%B5%D1%82%D1%80; do
        codes+=$(curl -sS -k -o /dev/null -w '%{http_code} ' -H "authorization: Bearer $t" "$url$p")
      done
      echo "$codes" >"$tmp/three.$i"
    ) &
  done
  wait
  all=$(cat "$tmp"/three.* 2>/dev/null | tr -s '\n ' '  ')
  if [[ "$all" =~ ^(200\ )+$ ]]; then
    record "Три пользователя одновременно" PASS "вход и 3 запроса у каждого: все 200"
  else
    record "Три пользователя одновременно" FAIL "коды: $all"
  fi
else
  record "Три пользователя одновременно" FAIL "не удалось создать пользователей smoke_u*"
fi

# ── 5. backup and its manifest ───────────────────────────────────────────────────────────────
status=$(api POST /api/backup)
archive=""
if [[ "$status" == 201 ]]; then
  backup_id=$(jq -r .id "$tmp/body")
  want_sha=$(jq -r .sha256 "$tmp/body")
  curl -sS -k -o "$tmp/backup.tar" -H "authorization: Bearer $token" "$url/api/backup/$backup_id/download"
  got_sha=$(sha256sum <"$tmp/backup.tar" | cut -c1-64)
  if tar -xOf "$tmp/backup.tar" manifest.json >"$tmp/manifest.json" 2>/dev/null &&
    [[ "$got_sha" == "$want_sha" ]] && jq -e '.tables.equipment.rows >= 1 and (.files | length) >= 1' "$tmp/manifest.json" >/dev/null; then
    archive="$tmp/backup.tar"
    record "Резервная копия и опись" PASS "$(stat -c %s "$archive") байт; строк оборудования $(jq .tables.equipment.rows "$tmp/manifest.json"), файлов $(jq '.files | length' "$tmp/manifest.json")"
  else
    record "Резервная копия и опись" FAIL "sha256 $([[ $got_sha == "$want_sha" ]] && echo совпадает || echo разный), опись: $(head -c 200 "$tmp/manifest.json" 2>/dev/null)"
  fi
else
  record "Резервная копия и опись" FAIL "POST /api/backup → $status: $(head -c 200 "$tmp/body")"
fi

# ── 6. 10+ users on 1,000+ instruments ───────────────────────────────────────────────────────
api GET /api/stats/summary >/dev/null
have=$(jq -r '.total // 0' "$tmp/body")
need=$((instruments - have))
if ((need > 0)); then
  instruments_json 1 "$need" >"$tmp/bodies"
  export url token
  # shellcheck disable=SC2016
  xargs -P 8 -d '\n' -I{} sh -c 'curl -sS -k -X POST -w "\n" -H "authorization: Bearer $token" \
      -H "content-type: application/json" --data-binary "$1" "$url/api/equipment"' _ {} \
    <"$tmp/bodies" | jq -r '.id // empty' >"$tmp/created"
  mapfile -t more <"$tmp/created"
  created_ids+=("${more[@]}")
fi
api GET /api/stats/summary >/dev/null
total=$(jq -r '.total // 0' "$tmp/body")
if ((users_ok)) && ((total >= instruments)); then
  for i in $(seq 1 "$load_users"); do
    (
      t=$(login "smoke_u$i" "$user_password")
      for r in $(seq 1 "$requests_per_user"); do
        case $((r % 4)) in
          0) p="/api/equipment?limit=100&offset=$(((r * 37 + i * 100) % total))" ;;
          1) p="/api/equipment?q=%D0%BC%D0%B0%D0%BD%D0%BE%D0%BC%D0%B5%D1%82%D1%80&limit=50" ;;
          2) p="/api/stats/summary" ;;
          3) p="/api/equipment?status=status_fit,status_expiring&sort=verification_due&limit=100" ;;
        esac
        curl -sS -k -o /dev/null -w '%{http_code} %{time_total}\n' -H "authorization: Bearer $t" "$url$p"
      done >"$tmp/load.$i"
    ) &
  done
  wait
  cat "$tmp"/load.* >"$tmp/load"
  count=$(wc -l <"$tmp/load")
  errors=$(awk '$1 != 200' "$tmp/load" | wc -l)
  p95=$(awk '{print $2}' "$tmp/load" | sort -n | awk '{a[NR]=$1} END {i=int(NR*0.95); if (i<1) i=1; printf "%.3f", a[i]}')
  max=$(awk '{print $2}' "$tmp/load" | sort -n | tail -1)
  if ((errors == 0)) && awk -v p="$p95" 'BEGIN {exit !(p < 2)}'; then
    record "$load_users пользователей, $total единиц" PASS "$count запросов, ошибок 0, p95 ${p95} с, максимум ${max} с"
  else
    record "$load_users пользователей, $total единиц" FAIL "$count запросов, ошибок $errors, p95 ${p95} с"
  fi
else
  record "$load_users пользователей, $instruments+ единиц" FAIL "единиц в реестре $total, пользователи: $users_ok"
fi

# ── 7. restore (test servers only) ───────────────────────────────────────────────────────────
if ((destructive)); then
  if [[ -n "$archive" ]]; then
    before=$(jq -r .tables.equipment.rows "$tmp/manifest.json")
    if "$(dirname "$0")/restore.sh" "$archive" --yes >"$tmp/restore.log" 2>&1 &&
      curl -fsSk --retry 30 --retry-delay 2 --retry-all-errors -o /dev/null "$url/api/health"; then
      token=$(login "$user" "$password")
      api GET /api/stats/summary >/dev/null
      after=$(jq -r '(.total + .archived)' "$tmp/body")
      if [[ "$after" == "$before" ]]; then
        record "Восстановление из копии" PASS "строк оборудования $after, как в описи"
      else
        record "Восстановление из копии" FAIL "после восстановления $after, в описи $before"
      fi
    else
      record "Восстановление из копии" FAIL "$(tail -3 "$tmp/restore.log")"
    fi
  else
    record "Восстановление из копии" FAIL "нет архива"
  fi
fi

# ── table ────────────────────────────────────────────────────────────────────────────────────
pad() { local s=$1 n=$2; while ((${#s} < n)); do s+=" "; done; printf '%s' "$s"; }
printf '\n%s %s %s\n' "$(pad Проверка 40)" "$(pad Итог 5)" "Подробности"
for i in "${!names[@]}"; do
  printf '%s %s %s\n' "$(pad "${names[$i]}" 40)" "$(pad "${states[$i]}" 5)" "${notes[$i]}"
done
if ((failed)); then
  echo "ИТОГ: ЕСТЬ ОШИБКИ"
  exit 1
fi
echo "ИТОГ: ВСЁ ПРОЙДЕНО"
