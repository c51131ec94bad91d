#!/usr/bin/env bash
# seed_http_json.sh CORPUS — seed requests for fuzz_http_json, in its input layout
# (flags byte, path line, query line, header lines, empty line, body): the SDK's own
# calls on the routes the server has, with the admin token (flag 0x10), a non-admin
# token (0x20) or none.  Methods: 0 GET, 1 POST, 2 PUT, 3 PATCH, 4 DELETE.
set -euo pipefail
corpus=$1
mkdir -p "$corpus"
n=0
seed() { # FLAGS PATH QUERY BODY [HEADER]
    local f
    f=$(mktemp)
    printf "\\x$(printf %02x "$1")%s\n%s\n%s\n%s" "$2" "$3" "${5:-Content-Type: application/json}" \
        "$4" >"$f"
    # shellcheck disable=SC2046
    mv "$f" "$corpus/seed-$(sha1sum "$f" | cut -c1-40)"
    n=$((n + 1))
}
a=16 u=32
seed $a /api/2.0/preview/scim/v2/Me "" ""
seed $a /api/2.0/preview/scim/v2/Users 'filter=userName+eq+"a@b.c"&attributes=id,userName&startIndex=1&count=10' ""
seed $((a + 1)) /api/2.0/preview/scim/v2/Users "" '{"userName":"f@example.com","displayName":"F","groups":[{"value":"1"}],"entitlements":[{"value":"allow-cluster-create"}]}'
seed $((a + 3)) /api/2.0/preview/scim/v2/Users/2 "" '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false},{"op":"add","path":"entitlements","value":[{"value":"x"}]}]}'
seed $((a + 2)) /api/2.0/preview/scim/v2/Users/2 "" '{"userName":"g@example.com","active":true}'
seed $((a + 1)) /api/2.0/preview/scim/v2/Groups "" '{"displayName":"grp","members":[{"value":"2"}]}'
seed $a /api/2.0/preview/scim/v2/Groups 'filter=displayName+co+"g"+and+id+gt+0&sortBy=displayName&sortOrder=descending' ""
seed $((a + 1)) /api/2.0/preview/scim/v2/ServicePrincipals "" '{"displayName":"sp","applicationId":"00000000-0000-0000-0000-000000000001"}'
seed $((a + 1)) /api/2.0/token/create "" '{"comment":"c","lifetime_seconds":3600}'
seed $a /api/2.0/token/list "" ""
seed $((a + 1)) /api/2.0/token/delete "" '{"token_id":"1"}'
seed $a /api/2.0/token-management/tokens 'created_by_username=admin&created_by_id=1' ""
seed $((a + 1)) /api/2.0/token-management/on-behalf-of/tokens "" '{"application_id":"2","lifetime_seconds":"60"}'
seed $((a + 3)) /api/2.0/token/1 "" '{"comment":"new"}'
seed $u /api/2.0/preview/scim/v2/Me "" ""
seed $((u + 4)) /api/2.0/preview/scim/v2/Users/1 "" ""
seed 0 /health "" ""
seed 0 /.well-known/databricks-config "" ""
seed $((a + 1)) /api/2.0/workspace/import "" '{"path":"/Users/admin/x","format":"SOURCE","language":"PYTHON","content":"cHJpbnQoMSk=","overwrite":true}'
seed $a /api/2.0/workspace/get-status "path=/Users/admin" ""
seed $((a + 1)) /api/2.0/secrets/scopes/create "" '{"scope":"s","initial_manage_principal":"users"}'
seed $((a + 1)) /api/2.0/dbfs/put "" '{"path":"/a/b","contents":"aGk=","overwrite":true}'
seed $((a + 1)) /api/2.1/clusters/create "" '{"cluster_name":"c","spark_version":"15.4.x-scala2.12","num_workers":1,"autotermination_minutes":60}'
seed $((a + 1)) /api/2.0/workspace/import "" $'--b\r\nContent-Disposition: form-data; name="path"\r\n\r\n/x\r\n--b\r\nContent-Disposition: form-data; name="content"; filename="x"\r\n\r\nhi\r\n--b--\r\n' 'Content-Type: multipart/form-data; boundary=b'
echo "seed_http_json: $n seed requests"
