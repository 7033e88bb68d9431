#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer, with AddressSanitizer) of Neuvo's parsers:
#   bash Tests/Fuzz/fuzz.sh [SECONDS] [TARGET...]
# TARGET: head-parser json image identity-code catalog (default: all); SECONDS per target (default 60).
# Each target is built from the module's own sources (their cross-module imports taken out, so one
# swiftc call makes one binary) and starts from a seed corpus like the tests' inputs. Corpora and
# any crash reproducer stay in ${NEUVO_FUZZ_DIR:-/tmp/neuvo-fuzz}; a crash fails the script.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH="${1:-60}"
shift || true
TARGETS=("$@")
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=(head-parser json image identity-code catalog)
WORK="${NEUVO_FUZZ_DIR:-/tmp/neuvo-fuzz}"
SWIFTC="${SWIFTC:-swiftc}"

sources() {
    case "$1" in
        head-parser) echo Sources/NeuvoHTTP/{RequestHeadParser,HTTPLimits,HTTPHeaders,HTTPError,HTTPStatus,Request,Response}.swift Sources/NeuvoJSON/*.swift Sources/NeuvoEncoding/Hex.swift Tests/Fuzz/EngineStub.swift Tests/Fuzz/HeadParserFuzz.swift ;;
        json) echo Sources/NeuvoJSON/*.swift Sources/NeuvoEncoding/Hex.swift Tests/Fuzz/JSONFuzz.swift ;;
        image) echo Sources/NeuvoClinic/Photos/{ImageSanitizer,JPEGSanitizer,PNGSanitizer,WebPSanitizer,CRC32,ExifOrientation,ByteReading}.swift Sources/NeuvoEncoding/Hex.swift Tests/Fuzz/ImageFuzz.swift ;;
        identity-code) echo Sources/NeuvoClinic/Identity/PersonalIdentityCode.swift Tests/Fuzz/IdentityCodeFuzz.swift ;;
        catalog) echo Sources/NeuvoClinic/Catalog/*.swift Sources/NeuvoClinic/Identity/*.swift Sources/NeuvoClinic/CallBack/{PhoneNumber,CallBackPlan}.swift Sources/NeuvoClinic/{Timestamp,ClinicError}.swift Sources/NeuvoJSON/*.swift Sources/NeuvoEncoding/Hex.swift Tests/Fuzz/CatalogFuzz.swift ;;
        *) echo "unknown target $1" >&2; exit 2 ;;
    esac
}

seed() {
    local dir="$1"
    case "$2" in
        head-parser)
            printf 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' >"$dir/get"
            printf 'POST /api/v1/conversations HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}' >"$dir/post"
            printf 'GET /api/v1/conversations/x/events?after=1&wait=25 HTTP/1.1\r\nHost: a\r\nCookie: neuvo_resident=abc\r\n\r\n' >"$dir/poll"
            printf 'POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n' >"$dir/chunked" ;;
        json)
            printf '{"a": [1, 2.5e3, -0, "\\u00e4\\n"], "b": {"c": null, "d": true}}' >"$dir/object"
            printf '"\\ud83d\\ude00"' >"$dir/surrogates"
            printf '[[[[[]]]]]' >"$dir/nested" ;;
        image)
            python3 - "$dir" <<'PY'
import struct, sys, zlib
d = sys.argv[1]
def chunk(kind, data): return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)) + chunk(b"tEXt", b"GPS\x0060N") + chunk(b"IDAT", zlib.compress(b"\0\xff\0\0\xff\0\0" * 2)) + chunk(b"IEND", b"")
open(f"{d}/png", "wb").write(png)
def seg(m, p): return bytes([0xFF, m]) + struct.pack(">H", len(p) + 2) + p
jpeg = b"\xff\xd8" + seg(0xE0, b"JFIF\0\1\1\0\0\1\0\1\0\0") + seg(0xE1, b"Exif\0\0MM\0*\0\0\0\x08\0\0") + seg(0xDB, b"\0" + b"\1" * 64) + seg(0xC0, bytes([8, 0, 8, 0, 16, 1, 1, 0x11, 0])) + seg(0xC4, b"\0\1" + b"\0" * 15 + b"\0") + seg(0xDA, bytes([1, 1, 0, 0, 63, 0])) + b"\x3f\xff\xd0\x3f" + b"\xff\xd9"
open(f"{d}/jpeg", "wb").write(jpeg)
vp8l = b"\x2f\x01\x00\x00\x00" + b"\0" * 8
webp = b"RIFF" + struct.pack("<I", 4 + 8 + len(vp8l)) + b"WEBP" + b"VP8L" + struct.pack("<I", len(vp8l)) + vp8l
open(f"{d}/webp", "wb").write(webp)
PY
            ;;
        identity-code)
            printf '131052-308T' >"$dir/a"; printf '010101A123N' >"$dir/b"; printf '311299-999X' >"$dir/c" ;;
        catalog)
            # The tests' catalog (Tests/NeuvoTestSupport/TestCatalog.swift), and a small one with call-backs.
            sed -n '/^public let testCatalogJSON = #"""$/,/^"""#$/p' Tests/NeuvoTestSupport/TestCatalog.swift | sed '1d;$d' >"$dir/test-catalog"
            sed 's/"targetFirstResponseMinutes": 60,/"targetFirstResponseMinutes": 60, "callBack": {"windows": {"mon": [["08:00", "10:00"]]}, "capacityPerWindow": 2, "attempts": 2, "callerNumber": "09 310 10000", "offer": {"whenWaitOverMinutes": 45}},/' "$dir/test-catalog" >"$dir/call-backs" ;;
    esac
}

failed=0
for target in "${TARGETS[@]}"; do
    build="$WORK/$target"
    mkdir -p "$build/src" "$build/corpus"
    rm -f "$build/src/"*.swift
    for file in $(sources "$target"); do
        # One module: the imports of Neuvo's own modules have nothing to import.
        sed -E '/^import (NeuvoJSON|NeuvoEncoding|NeuvoStore)$/d' "$file" >"$build/src/$(basename "$file" .swift)-$(echo "$file" | md5sum | cut -c1-6).swift"
    done
    [[ -n "$(ls -A "$build/corpus")" ]] || seed "$build/corpus" "$target"
    echo "fuzz: building $target" >&2
    "$SWIFTC" -sanitize=fuzzer,address -parse-as-library -O -module-name Fuzz "$build"/src/*.swift -o "$build/fuzz" 2>"$build/build.log" \
        || { cat "$build/build.log" >&2; exit 1; }
    echo "fuzz: running $target for ${SECONDS_EACH}s" >&2
    max_len=4096; [[ "$target" == catalog ]] && max_len=16384  # a catalog is a document, not a head
    if "$build/fuzz" -max_total_time="$SECONDS_EACH" -max_len="$max_len" -artifact_prefix="$build/" "$build/corpus" >"$build/run.log" 2>&1; then
        grep -E "^#[0-9]+ *DONE|Done [0-9]+ runs" "$build/run.log" | tail -1 | sed "s/^/fuzz: $target: /" >&2
    else
        echo "fuzz: $target FAILED (reproducer and log in $build)" >&2
        tail -30 "$build/run.log" >&2
        failed=1
    fi
done
exit $failed
