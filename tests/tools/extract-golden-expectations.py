#!/usr/bin/env python3
"""Turn tshark's verbose decodes of the rsplib captures into golden expectations.

Dev-time only (python3, stdlib only). It reads the shared capture set
(/work/shared/vectors by default: NAME.pcap + NAME.pcap.txt, the latter made with
`tshark -V -o sctp.checksum:CRC-32C -r NAME.pcap`) and writes

  tests/RSerPool.Core.Tests/TestData/golden/expected.json   what tshark decoded, per ASAP message
  tests/RSerPool.Core.Tests/TestData/pcap/NAME.pcap         byte-identical copies of the captures used

Tests never read the shared directory; they read only the copies above.
The JSON schema is documented in tests/RSerPool.Core.Tests/TestData/golden/README.md.

What counts as an ASAP message (same rule as Golden/PcapAsapExtractor.cs):
  * an SCTP DATA chunk with PPID 11 (also SCTP over UDP, RFC 6951), or
  * a UDP datagram from or to port 3863 (ASAP_SERVER_ANNOUNCE to 239.0.0.50:3863).
tshark also labels PPID-0 user data as ASAP when the SCTP port is 3863 (it registers the ASAP
dissector on sctp.port 3863); those decodes are listed per file under excludedAsapDecodes.
ENRP (PPID 12, UDP 9901) is counted, never included.

Usage: extract-golden-expectations.py [--vectors DIR] [--repo DIR]
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
from collections import Counter

ASAP_PPID = 11
ASAP_PORT = 3863
SCHEMA_VERSION = 1

# tshark field label -> (JSON key, converter). Labels are Wireshark's hf names from
# epan/dissectors/packet-asap.c; converters turn tshark's display text into JSON values.


def _num(text):
    """'0x0000e001' -> 57345, '12' -> 12, '90000ms' -> 90000."""
    m = re.match(r"^(0x[0-9a-fA-F]+|-?\d+)", text.strip())
    if not m:
        raise ValueError(f"not a number: {text!r}")
    return int(m.group(1), 0)


def _hex(text):
    m = re.match(r"^([0-9a-f]*)", text.strip())
    return m.group(1)


def _named(text):
    """'Data plus control (1)' -> ('Data plus control', 1); 'Round Robin (RR) (0x00000001)' too."""
    m = re.match(r"^(.*) \((0x[0-9a-fA-F]+|\d+)\)$", text.strip())
    if not m:
        raise ValueError(f"no trailing (number): {text!r}")
    return m.group(1), int(m.group(2), 0)


def _float(text):
    m = re.match(r"^(-?\d+(?:\.\d+)?)", text.strip())
    return float(m.group(1)) if m else None


def _pool_handle(obj, text):
    m = re.match(r"^([0-9a-f]*)(?: \((.*)\))?$", text.strip())
    obj["poolHandleHex"] = m.group(1)
    obj["poolHandleText"] = m.group(2) if m.group(2) is not None else ""


def _set(key, conv):
    def apply(obj, text):
        obj[key] = conv(text)
    return apply


def _set_named(key):
    def apply(obj, text):
        name, value = _named(text)
        obj[key] = value
        obj[key + "Name"] = name
    return apply


def _set_float(key):
    def apply(obj, text):
        obj[key] = _float(text)
        obj[key + "Text"] = text.strip()
    return apply


PARAMETER_FIELDS = {
    "Padding": _set("paddingHex", _hex),
    "Pool Handle": _pool_handle,
    "PE Identifier": _set("peIdentifier", _num),
    "Home ENRP Server Identifier": _set("homeEnrpServerId", _num),
    "Registration Life": _set("registrationLifeMs", _num),
    "Port": _set("port", _num),
    "Transport Use": _set_named("transportUse"),
    "Reserved": _set("reserved", _num),
    "Service Code": _set("serviceCode", _num),
    "IP Version 4 Address": _set("address", str.strip),
    "IP Version 6 Address": _set("address", str.strip),
    "Policy Type": _set_named("policyType"),
    "Policy Weight": _set("policyWeight", _num),
    "Policy Priority": _set("policyPriority", _num),
    "Policy Distance": _set("policyDistance", _num),
    "Policy Load": _set_float("policyLoad"),
    "Policy Degradation": _set_float("policyLoadDegradation"),
    "Policy Load DPF": _set_float("policyLoadDpf"),
    "Policy Weight DPF": _set_float("policyWeightDpf"),
    "Policy Value": _set("policyValueHex", _hex),
    "Cookie": _set("cookieHex", _hex),
    "Items": _set("items", _num),
    "Server Identifier": _set("serverIdentifier", _num),
    "PE Checksum": _set("peChecksum", _num),
    "Parameter Value": _set("valueHex", _hex),
}

CAUSE_FIELDS = {
    "Cause Length": _set("length", _num),
    "Cause Info": _set("infoHex", _hex),
    "Padding": _set("paddingHex", _hex),
}

BIT_LINE = re.compile(r"^([.01 ]+) = (.*?): (.*)$")


class Node:
    __slots__ = ("text", "children")

    def __init__(self, text):
        self.text = text
        self.children = []

    def field(self):
        """('Label', 'value') for 'Label: value' lines, else (None, None)."""
        if ": " not in self.text:
            return None, None
        label, value = self.text.split(": ", 1)
        return label, value

    def child_field(self, label):
        for c in self.children:
            lab, val = c.field()
            if lab == label:
                return val
        return None


def parse_tree(lines):
    """Indentation (4 spaces a level) -> list of top-level Nodes. Hex dumps are dropped."""
    roots, stack = [], []
    for line in lines:
        if not line.strip() or re.match(r"^[0-9a-f]{4}  ", line):
            continue
        indent = (len(line) - len(line.lstrip(" "))) // 4
        node = Node(line.strip())
        del stack[indent:]
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


def flag_bits(flags_node):
    bits = []
    for c in flags_node.children:
        m = BIT_LINE.match(c.text)
        if not m:
            continue
        pattern = m.group(1).replace(" ", "")
        pos = next(i for i, ch in enumerate(pattern) if ch != ".")
        bits.append({
            "name": re.sub(r" Bit$", "", m.group(2)),
            "mask": 1 << (len(pattern) - 1 - pos),
            "set": pattern[pos] == "1",
            "meaning": m.group(3),
        })
    return bits


def is_parameter(node):
    return node.child_field("Parameter Type") is not None


def parse_cause(node, warn):
    name, code = _named(node.child_field("Cause Code"))
    cause = {"code": code, "codeName": name}
    for c in node.children:
        label, value = c.field()
        if label == "Cause Code":
            continue
        if label in CAUSE_FIELDS:
            CAUSE_FIELDS[label](cause, value)
        elif is_parameter(c):
            cause.setdefault("parameters", []).append(parse_parameter(c, warn))
        else:
            cause.setdefault("unmapped", {})[c.text] = ""
            warn(f"unmapped cause line {c.text!r}")
    return cause


def parse_parameter(node, warn):
    name, ptype = _named(node.child_field("Parameter Type"))
    param = {"type": ptype, "typeName": name, "length": _num(node.child_field("Parameter Length"))}
    for c in node.children:
        label, value = c.field()
        if label in ("Parameter Type", "Parameter Length"):
            continue
        if is_parameter(c):
            param.setdefault("parameters", []).append(parse_parameter(c, warn))
        elif c.child_field("Cause Code") is not None:
            param.setdefault("causes", []).append(parse_cause(c, warn))
        elif label in PARAMETER_FIELDS:
            PARAMETER_FIELDS[label](param, value)
        else:
            param.setdefault("unmapped", {})[label or c.text] = value or ""
            warn(f"unmapped parameter line {c.text!r}")
    return param


def parse_asap(node, warn):
    msg = {}
    params = []
    for c in node.children:
        label, value = c.field()
        if label == "Type":
            msg["typeName"], msg["type"] = _named(value)
        elif label == "Flags":
            msg["flags"] = _num(value)
            msg["flagBits"] = flag_bits(c)
        elif label == "Length":
            msg["length"] = _num(value)
        elif label == "Server Identifier":
            msg["serverIdentifier"] = _num(value)
        elif is_parameter(c):
            params.append(parse_parameter(c, warn))
        else:
            msg.setdefault("unmapped", {})[label or c.text] = value or ""
            warn(f"unmapped message line {c.text!r}")
    ordered = {k: msg[k] for k in ("type", "typeName", "flags", "flagBits", "length") if k in msg}
    if "serverIdentifier" in msg:
        ordered["serverIdentifier"] = msg["serverIdentifier"]
    ordered["parameters"] = params
    if "unmapped" in msg:
        ordered["unmapped"] = msg["unmapped"]
    return ordered


DATA_SUMMARY = re.compile(r"^DATA chunk \((.*)\)$")


def data_chunk(node):
    summary = DATA_SUMMARY.match(node.text).group(1)
    ppid = int(re.search(r"PPID: (\d+)", summary).group(1))
    sid = int(re.search(r"SID: (\d+)", summary).group(1))
    length = int(re.search(r"payload length: (\d+) bytes", summary).group(1))
    return {"ppid": ppid, "stream": sid, "payloadLength": length,
            "complete": "complete segment" in summary}


TRANSPORT_PREFIXES = ("Frame ", "Ethernet II", "Linux cooked", "Null/Loopback", "Raw packet",
                      "Internet Protocol Version", "User Datagram Protocol",
                      "Stream Control Transmission Protocol")


def analyse_file(name, text, warn):
    """Returns (messages, per-file stats) for one NAME.pcap.txt."""
    frames = re.split(r"\n(?=Frame \d+: )", text.strip("\n"))
    messages, types = [], Counter()
    stats = {"file": name, "frames": 0, "linkTypes": set(), "asapMessages": 0,
             "sctpAsapMessages": 0, "udpAsapMessages": 0, "udpEncapsulatedAsapMessages": 0,
             "ipv6AsapMessages": 0, "sctpDataChunksByPpid": Counter(), "incompleteDataChunks": 0,
             "framesWithSeveralChunks": 0, "framesWithSeveralAsapMessages": 0,
             "enrpMessages": 0, "excludedAsapDecodes": []}
    for frame_text in frames:
        roots = parse_tree(frame_text.split("\n"))
        frame = int(re.match(r"Frame (\d+):", roots[0].text).group(1))
        stats["frames"] += 1
        stats["linkTypes"].add(roots[0].child_field("Encapsulation type"))
        ip = udp = None
        sctp = None          # {"ports":..., "chunks": [pending DATA chunks]}
        index = 0
        for node in roots[1:]:
            t = node.text
            if t.startswith("Internet Protocol Version"):
                m = re.match(r"Internet Protocol Version (\d), Src: (\S+), Dst: (\S+)", t)
                ip = {"version": int(m.group(1)), "src": m.group(2), "dst": m.group(3)}
            elif t.startswith("User Datagram Protocol"):
                m = re.search(r"Src Port: (\d+), Dst Port: (\d+)", t)
                udp = (int(m.group(1)), int(m.group(2)))
            elif t.startswith("Stream Control Transmission Protocol"):
                m = re.search(r"Src Port: (\d+).*Dst Port: (\d+)", t)
                chunk_nodes = [c for c in node.children if c.text.endswith(" chunk") or " chunk (" in c.text]
                if len(chunk_nodes) > 1:
                    stats["framesWithSeveralChunks"] += 1
                chunks = [data_chunk(c) for c in chunk_nodes if c.text.startswith("DATA chunk")]
                for ch in chunks:
                    stats["sctpDataChunksByPpid"][str(ch["ppid"])] += 1
                    if not ch["complete"]:
                        stats["incompleteDataChunks"] += 1
                sctp = {"ports": (int(m.group(1)), int(m.group(2))),
                        "chunks": [ch for ch in chunks if ch["complete"]]}
            elif t.startswith("[") or t.startswith(TRANSPORT_PREFIXES):
                continue        # expert info / malformed markers belong to the previous tree
            else:
                # An application payload tree: the next complete DATA chunk's, or the UDP payload's.
                if sctp is not None:
                    if not sctp["chunks"]:
                        raise SystemExit(f"{name} frame {frame}: payload tree {t!r} without a DATA chunk")
                    carrier = sctp["chunks"].pop(0)
                    transport, ports = "sctp", sctp["ports"]
                    payload_length = carrier["payloadLength"]
                else:
                    carrier, transport, ports = None, "udp", udp
                    m = re.search(r"UDP payload \((\d+) bytes\)", frame_text)
                    payload_length = int(m.group(1)) if m else None
                if t.startswith("Endpoint Handlespace Redundancy Protocol"):
                    stats["enrpMessages"] += 1
                if not t.startswith("Aggregate Server Access Protocol"):
                    continue
                is_asap = (carrier["ppid"] == ASAP_PPID) if carrier else ASAP_PORT in ports
                if not is_asap:
                    stats["excludedAsapDecodes"].append({
                        "frame": frame, "transport": transport,
                        "ppid": carrier["ppid"] if carrier else None,
                        "sourcePort": ports[0], "destinationPort": ports[1],
                        "reason": "tshark decodes SCTP port 3863 as ASAP, but the PPID is not 11 (user data)"})
                    continue
                body = parse_asap(node, lambda w: warn(f"{name} frame {frame}: {w}"))
                msg = {"file": name, "frame": frame, "index": index, "transport": transport,
                       "udpEncapsulated": transport == "sctp" and udp is not None,
                       "ipVersion": ip["version"],
                       "source": ip["src"], "sourcePort": ports[0],
                       "destination": ip["dst"], "destinationPort": ports[1],
                       "ppid": carrier["ppid"] if carrier else None,
                       "stream": carrier["stream"] if carrier else None,
                       "payloadLength": payload_length}
                msg.update(body)
                messages.append(msg)
                index += 1
                types[(body["type"], body["typeName"])] += 1
                stats["asapMessages"] += 1
                stats["sctpAsapMessages" if transport == "sctp" else "udpAsapMessages"] += 1
                stats["udpEncapsulatedAsapMessages"] += 1 if msg["udpEncapsulated"] else 0
                stats["ipv6AsapMessages"] += 1 if ip["version"] == 6 else 0
        if index > 1:
            stats["framesWithSeveralAsapMessages"] += 1
    stats["linkTypes"] = sorted(stats["linkTypes"])
    stats["sctpDataChunksByPpid"] = {k: v for k, v in sorted(stats["sctpDataChunksByPpid"].items(), key=lambda kv: int(kv[0]))}
    stats["typeCounts"] = [{"type": k[0], "typeName": k[1], "count": v} for k, v in sorted(types.items())]
    return messages, stats


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vectors", default="/work/shared/vectors")
    ap.add_argument("--repo", default=os.path.normpath(os.path.join(here, "..", "..")))
    args = ap.parse_args()

    test_data = os.path.join(args.repo, "tests", "RSerPool.Core.Tests", "TestData")
    warnings = []

    def warn(text):
        warnings.append(text)
        print("warning: " + text, file=sys.stderr)

    all_messages, files, skipped = [], [], []
    names = sorted(f[:-len(".txt")] for f in os.listdir(args.vectors) if f.endswith(".pcap.txt"))
    for name in names:
        with open(os.path.join(args.vectors, name + ".txt"), encoding="utf-8") as fh:
            messages, stats = analyse_file(name, fh.read(), warn)
        if not messages:
            skipped.append({"file": name, "reason": "no ASAP message (SCTP PPID 11 or UDP port 3863)",
                            "excludedAsapDecodes": len(stats["excludedAsapDecodes"])})
            continue
        with open(os.path.join(args.vectors, name), "rb") as fh:
            stats = {"file": name, "sha256": hashlib.sha256(fh.read()).hexdigest(),
                     **{k: v for k, v in stats.items() if k != "file"}}
        files.append(stats)
        all_messages.extend(messages)
        os.makedirs(os.path.join(test_data, "pcap"), exist_ok=True)
        shutil.copyfile(os.path.join(args.vectors, name), os.path.join(test_data, "pcap", name))

    doc = {
        "schemaVersion": SCHEMA_VERSION,
        "source": "rsplib 3.4.4 captures (/work/shared/vectors), decoded with tshark -V -o sctp.checksum:CRC-32C",
        "generator": "tests/tools/extract-golden-expectations.py",
        "files": files,
        "skippedFiles": skipped,
        "messages": all_messages,
    }
    os.makedirs(os.path.join(test_data, "golden"), exist_ok=True)
    out = os.path.join(test_data, "golden", "expected.json")
    with open(out, "w", encoding="utf-8", newline="\n") as fh:
        json.dump(doc, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    print(f"{out}: {len(all_messages)} ASAP messages from {len(files)} captures "
          f"({len(skipped)} skipped), {len(warnings)} warnings")
    return 1 if warnings else 0


if __name__ == "__main__":
    sys.exit(main())
