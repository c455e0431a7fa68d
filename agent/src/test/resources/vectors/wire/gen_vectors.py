#!/usr/bin/env python3
"""Generates the wire vectors of net.zcc.agent.wire (TcpPacket, TcpRst, IcmpTooBig).

Independent of the Java code: packets are built field by field here, checksums computed here
(RFC 1071), and every expected option area after an operation is written out literally below
(what PROTOCOL.md section 3 says the result must be), not by an algorithm shared with Java.

  python3 gen_vectors.py            # rewrite the *.txt vectors and index.txt
  python3 gen_vectors.py --pcap     # also write vectors.pcap (LINKTYPE_RAW) of every packet;
                                    # check with: tcpdump -vv -r vectors.pcap | grep -c incorrect

Vector format: '#' comments, "op: ...", "args: k=v ...", "fields: k=v ..." (what parse must
read from "in"), then "in:" and optionally "out:" with hex lines (whitespace ignored).
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
A4 = bytes([10, 0, 0, 1]); B4 = bytes([10, 0, 0, 2])
A6 = bytes.fromhex('20010db8000000000000000000000001'); B6 = bytes.fromhex('20010db8000000000000000000000002')


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def pseudo(src, dst, proto, length):
    if len(src) == 4:
        return src + dst + struct.pack('!BBH', 0, proto, length)
    return src + dst + struct.pack('!IxxxB', length, proto)


def tcp(src, dst, sport, dport, seq, ack, flags, win, opts=b'', payload=b'', urg=0):
    assert len(opts) % 4 == 0 and len(opts) <= 40
    doff = (20 + len(opts)) // 4
    h = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, doff << 4, flags, win, 0, urg) + opts + payload
    c = csum(pseudo(src, dst, 6, len(h)) + h)
    return h[:16] + struct.pack('!H', c) + h[18:]


def ipv4(src, dst, body, proto=6, ident=0x4c2e, ttl=64, frag=0x4000, ipopts=b''):
    ihl = (20 + len(ipopts)) // 4
    h = struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, 0, 20 + len(ipopts) + len(body), ident, frag, ttl, proto, 0,
                    src, dst) + ipopts
    return h[:10] + struct.pack('!H', csum(h)) + h[12:] + body


def ipv6(src, dst, body, nh=6, hlim=64, flow=0x0a1b2c):
    return struct.pack('!IHBB', 0x60000000 | flow, len(body), nh, hlim) + src + dst + body


def pkt(v, fwd, sport, dport, seq, ack, flags, win, opts=b'', payload=b'', **ip):
    s, d = (A4, B4) if v == 4 else (A6, B6)
    if not fwd:
        s, d = d, s
    t = tcp(s, d, sport, dport, seq, ack, flags, win, opts, payload)
    return ipv4(s, d, t, **ip) if v == 4 else ipv6(s, d, t, **ip)


# ---- options, as Linux lays them out -------------------------------------------------------
def mss(v): return bytes([2, 4]) + struct.pack('!H', v)
SACKOK = bytes([4, 2])
def ts(val, ecr): return bytes([8, 10]) + struct.pack('!II', val, ecr)
NOP = b'\x01'
def ws(s): return bytes([3, 3, s])
def sack(*blocks): return bytes([5, 2 + 8 * len(blocks)]) + b''.join(struct.pack('!II', l, r) for l, r in blocks)
def pad(o): return o + NOP * (-len(o) % 4)

NONCE_I = bytes.fromhex('0011223344556677'); NONCE_R = bytes.fromhex('8899aabbccddeeff')
HTAG = bytes.fromhex('a1a2a3a4a5a6'); TAG = bytes.fromhex('b0b1b2b3b4b5b6b7b8b9babb')
OFFER = bytes([253, 18, 0x5a, 0x43, 0x41, 1]) + bytes.fromhex('c0ffee01') + NONCE_I
ACCEPT = bytes([253, 19, 0x5a, 0x43, 0x42]) + NONCE_R + HTAG
DATA = bytes([253, 17, 0x5a, 0x43, 0x43]) + TAG
DATAC = bytes([253, 17, 0x5a, 0x43, 0x44]) + TAG
OTHER253 = bytes([253, 20, 0x12, 0x34]) + bytes(range(16))   # another experiment: not ours

SYN_OPTS = mss(1460) + SACKOK + ts(0x0a0b0c0d, 0) + NOP + ws(7)            # 20, Linux SYN
SYNACK_OPTS = mss(1460) + SACKOK + ts(0x11223344, 0x0a0b0c0d) + NOP + ws(7)
TS_OPTS = NOP + NOP + ts(0x0a0b0d00, 0x11223400)                            # 12
BLOCKS = [(0x5000, 0x5100), (0x4000, 0x4200), (0x3000, 0x3300)]
PAYLOAD = bytes((i * 7 + 3) & 0xff for i in range(100))
ISN_C, ISN_S = 0x1a2b3c4d, 0xe1d2c3b4
SYN, ACK, FIN, RST, PSH = 0x02, 0x10, 0x01, 0x04, 0x08

vectors = []


def vec(name, op, comment, inp, out=None, args='', fields=''):
    vectors.append((name, op, comment, inp, out, args, fields))


def fields_of(v, fwd, sport, dport, seq, ack, flags, win, opts, payload):
    ipl = 20 if v == 4 else 40
    return ('version=%d sport=%d dport=%d seq=%d ack=%d flags=0x%02x window=%d tcpHeader=%d payload=%d total=%d'
            % (v, sport, dport, seq, ack, flags, win, 20 + len(opts), len(payload), ipl + 20 + len(opts) + len(payload)))


def both(name, comment, v, fwd, sport, dport, seq, ack, flags, win, opts, payload=b''):
    """A parse vector; returns a builder of the same packet with other options/payload."""
    p = pkt(v, fwd, sport, dport, seq, ack, flags, win, opts, payload)
    vec(name, 'parse', comment, p, fields=fields_of(v, fwd, sport, dport, seq, ack, flags, win, opts, payload)
        + ' mss=%d' % (struct.unpack('!H', opts[2:4])[0] if opts[:2] == b'\x02\x04' else -1))
    return lambda o=opts, pl=payload: pkt(v, fwd, sport, dport, seq, ack, flags, win, o, pl)


def build():
    for v in (4, 6):
        syn = both('syn%d' % v, 'Linux SYN: MSS SACK-perm TS NOP WS (20 bytes)', v, True, 43512, 5432, ISN_C, 0, SYN,
                   64240, SYN_OPTS)
        synack = both('synack%d' % v, 'Linux SYN-ACK', v, False, 5432, 43512, ISN_S, ISN_C + 1, SYN | ACK, 65160,
                      SYNACK_OPTS)
        data = both('data%d' % v, 'data segment, NOP NOP TS, 100 bytes', v, True, 43512, 5432, ISN_C + 1, ISN_S + 1,
                    ACK | PSH, 502, TS_OPTS, PAYLOAD)
        sack3 = both('ack%d-sack3' % v, 'ACK with TS and 3 SACK blocks: 40 bytes of options', v, False, 5432, 43512,
                     ISN_S + 1, ISN_C + 1, ACK, 501, TS_OPTS + NOP + NOP + sack(*BLOCKS))
        sack1 = both('ack%d-sack1' % v, 'ACK with TS and 1 SACK block', v, False, 5432, 43512, ISN_S + 1,
                     ISN_C + 1, ACK, 501, TS_OPTS + NOP + NOP + sack(BLOCKS[0]))
        both('fin%d' % v, 'FIN', v, True, 43512, 5432, ISN_C + 101, ISN_S + 1, FIN | ACK, 502, TS_OPTS)
        both('rst%d' % v, 'RST from a closed port', v, False, 5432, 43512, 0, ISN_C + 1, RST | ACK, 0, b'')
        # section 3 of PROTOCOL.md, result laid out by hand
        vec('syn%d-offer' % v, 'insert', 'SYN 20 + OFFER 18 + 2 NOP = 40', syn(), syn(SYN_OPTS + OFFER + NOP * 2),
            'opt=%s trim=false result=true' % OFFER.hex())
        vec('synack%d-accept' % v, 'insert', 'SYN-ACK 20 + ACCEPT 19 + 1 NOP = 40', synack(),
            synack(SYNACK_OPTS + ACCEPT + NOP), 'opt=%s trim=false result=true' % ACCEPT.hex())
        vec('data%d-data' % v, 'insert', 'NOP NOP TS 12 + DATA 17 + 3 NOP = 32', data(), data(TS_OPTS + DATA + NOP * 3),
            'opt=%s trim=true result=true' % DATA.hex())
        vec('data%d-datac' % v, 'insert', 'compressed DATA (type 4)', data(), data(TS_OPTS + DATAC + NOP * 3),
            'opt=%s trim=true result=true' % DATAC.hex())
        vec('ack%d-sack1-data' % v, 'insert', 'TS + 1 SACK + DATA: 41 with NOPs, so NOPs go: TS SACK DATA + 3 NOP',
            sack1(), sack1(ts(0x0a0b0d00, 0x11223400) + sack(BLOCKS[0]) + DATA + NOP * 3),
            'opt=%s trim=true result=true' % DATA.hex())
        vec('ack%d-sack3-data' % v, 'insert', 'TS + 3 SACK + DATA: SACK cut to its first block', sack3(),
            sack3(ts(0x0a0b0d00, 0x11223400) + sack(BLOCKS[0]) + DATA + NOP * 3),
            'opt=%s trim=true result=true' % DATA.hex())
        vec('ack%d-sack3-notrim' % v, 'insert', 'TS + 3 SACK + DATA without trimming: refused, unchanged', sack3(),
            sack3(), 'opt=%s trim=false result=false' % DATA.hex())
        full = SYN_OPTS + OTHER253
        vec('syn%d-full-refused' % v, 'insert', 'options full of non-SACK options (incl. a foreign kind 253): refused',
            syn(full), syn(full), 'opt=%s trim=true result=false' % OFFER.hex())
        vec('syn%d-mss-clamp' % v, 'mss', 'MSS clamp by 20', syn(), syn(mss(1440) + SYN_OPTS[4:]), 'mss=1440')
        nomss = SACKOK + ts(0x0a0b0c0d, 0) + NOP + ws(7)
        m = 516 if v == 4 else 1200
        vec('syn%d-add-mss' % v, 'addmss', 'SYN without MSS gets one appended', syn(nomss), syn(nomss + mss(m)),
            'mss=%d' % m)
        vec('data%d-nops' % v, 'nops', 'our DATA option replaced by NOPs', data(TS_OPTS + DATA + NOP * 3),
            data(TS_OPTS + NOP * 20), 'exid=0x5a43')
        vec('data%d-remove' % v, 'remove', 'our DATA option removed, header shrinks back',
            data(TS_OPTS + DATA + NOP * 3), data(), 'exid=0x5a43')
        vec('syn%d-remove' % v, 'remove', 'OFFER removed from a SYN', syn(SYN_OPTS + OFFER + NOP * 2), syn(),
            'exid=0x5a43')
        vec('data%d-shrink' % v, 'payload', 'payload cut 100 -> 60', data(), data(TS_OPTS, PAYLOAD[:60]), 'len=60')
        vec('data%d-grow' % v, 'payload', 'payload 60 -> 100, new bytes filled by the test', data(TS_OPTS, PAYLOAD[:60]),
            data(), 'len=100 fill=%s' % PAYLOAD[60:].hex())
        vec('data%d-makerst' % v, 'makerst', 'data segment turned into RST|ACK in place', data(),
            pkt(v, True, 43512, 5432, ISN_C + 1, ISN_S + 1, RST | ACK, 0),
            'seq=%d ack=%d withAck=true' % (ISN_C + 1, ISN_S + 1))
        s, d = (A4, B4) if v == 4 else (A6, B6)
        rst = (ipv4(s, d, tcp(s, d, 43512, 5432, ISN_C + 1, 0, RST, 0), ident=0) if v == 4
               else ipv6(s, d, tcp(s, d, 43512, 5432, ISN_C + 1, 0, RST, 0), flow=0))
        vec('build%d-rst' % v, 'buildrst', 'RST built from scratch', b'', rst,
            'src=%s dst=%s sport=43512 dport=5432 seq=%d ack=0 flags=0x04' % (s.hex(), d.hex(), ISN_C + 1))
    ipo = bytes([1, 1, 1, 0])    # IPv4 options NOP NOP NOP EOL: makeRst drops them
    withopts = ipv4(A4, B4, tcp(A4, B4, 43512, 5432, ISN_C + 1, ISN_S + 1, ACK | PSH, 502, TS_OPTS, PAYLOAD), ipopts=ipo)
    vec('data4-ipopts-makerst', 'makerst', 'IPv4 options dropped, RST without ACK', withopts,
        ipv4(A4, B4, tcp(A4, B4, 43512, 5432, ISN_C + 1, 0, RST, 0)), 'seq=%d ack=0 withAck=false' % (ISN_C + 1))
    malformed()
    icmp()


def malformed():
    d = pkt(4, True, 1, 2, 3, 4, ACK, 5, TS_OPTS, b'xyz')
    vec('bad-fragment', 'malformed', 'IPv4 MF set', ipv4(A4, B4, d[20:], frag=0x2000), args='reason=FRAGMENT')
    vec('bad-fragment-offset', 'malformed', 'IPv4 offset 8', ipv4(A4, B4, d[20:], frag=1), args='reason=FRAGMENT')
    vec('bad-udp', 'malformed', 'UDP', ipv4(A4, B4, bytes(12), proto=17), args='reason=NOT_TCP')
    d6 = pkt(6, True, 1, 2, 3, 4, ACK, 5, TS_OPTS, b'xyz')
    hbh = bytes([6, 0, 1, 4, 0, 0, 0, 0])   # hop-by-hop header, next header TCP
    vec('bad-ipv6-ext', 'malformed', 'IPv6 hop-by-hop before TCP', ipv6(A6, B6, hbh + d6[40:], nh=0),
        args='reason=IPV6_EXTENSION_HEADERS')
    vec('bad-truncated', 'malformed', 'total length beyond the bytes', d[:-1], args='reason=TRUNCATED')
    vec('bad-version', 'malformed', 'IP version 5', b'\x55' + d[1:], args='reason=BAD_IP_HEADER')
    vec('bad-ihl', 'malformed', 'IHL 4', b'\x44' + d[1:], args='reason=BAD_IP_HEADER')
    t = bytearray(d); t[32] = 0x40
    vec('bad-doff-small', 'malformed', 'TCP data offset 4', bytes(t), args='reason=BAD_TCP_HEADER')
    t = bytearray(d); t[32] = 0xf0
    vec('bad-doff-big', 'malformed', 'TCP data offset past the packet', bytes(t), args='reason=BAD_TCP_HEADER')
    o = pkt(4, True, 1, 2, 3, 4, ACK, 5, NOP + NOP + bytes([8, 11]) + bytes(8), b'')
    vec('bad-option-len', 'malformed', 'TS option claims 11 bytes in a 12-byte area... past it', o,
        args='reason=BAD_TCP_OPTIONS')
    o = pkt(4, True, 1, 2, 3, 4, ACK, 5, NOP * 3 + bytes([8]), b'')
    vec('bad-option-cut', 'malformed', 'last option has no length byte', o, args='reason=BAD_TCP_OPTIONS')
    o = pkt(4, True, 1, 2, 3, 4, ACK, 5, bytes([2, 0, 0, 0]), b'')
    vec('bad-option-zero', 'malformed', 'option length 0', o, args='reason=BAD_TCP_OPTIONS')


def icmp():
    data4 = pkt(4, True, 43512, 5432, ISN_C + 1, ISN_S + 1, ACK | PSH, 502, TS_OPTS, PAYLOAD)
    quoted = data4[:20 + 28]
    R = bytes([192, 0, 2, 1])   # the router
    for mtu_in, mtu_out in ((1400, 1380),):
        def m4(mtu):
            body = struct.pack('!BBHHH', 3, 4, 0, 0, mtu) + quoted
            body = body[:2] + struct.pack('!H', csum(body)) + body[4:]
            return ipv4(R, A4, body, proto=1, ident=0, ttl=254, frag=0)
        vec('icmp4-frag-needed', 'icmp', 'ICMPv4 fragmentation needed quoting a data segment', m4(mtu_in),
            m4(mtu_out), 'mtu=%d' % mtu_out,
            'version=4 mtu=%d src=%s dst=%s sport=43512 dport=5432 seq=%d' % (mtu_in, A4.hex(), B4.hex(), ISN_C + 1))
    data6 = pkt(6, True, 43512, 5432, ISN_C + 1, ISN_S + 1, ACK | PSH, 502, TS_OPTS, PAYLOAD)
    quoted6 = data6[:40 + 32]
    R6 = bytes.fromhex('20010db8ffff00000000000000000001')

    def m6(mtu):
        body = struct.pack('!BBHI', 2, 0, 0, mtu) + quoted6
        c = csum(pseudo(R6, A6, 58, len(body)) + body)
        return ipv6(R6, A6, body[:2] + struct.pack('!H', c) + body[4:], nh=58, hlim=255, flow=0)
    vec('icmp6-too-big', 'icmp', 'ICMPv6 packet too big quoting a data segment', m6(1280), m6(1260), 'mtu=1260',
        'version=6 mtu=1280 src=%s dst=%s sport=43512 dport=5432 seq=%d' % (A6.hex(), B6.hex(), ISN_C + 1))
    echo = struct.pack('!BBHHH', 8, 0, 0, 1, 1)
    vec('icmp4-echo', 'icmp-malformed', 'an echo request is not too-big', ipv4(R, A4, echo, proto=1),
        args='reason=NOT_ICMP_TOO_BIG')
    udpq = bytearray(quoted); udpq[9] = 17
    body = struct.pack('!BBHHH', 3, 4, 0, 0, 1400) + bytes(udpq)
    vec('icmp4-quotes-udp', 'icmp-malformed', 'quoted packet is UDP', ipv4(R, A4, body, proto=1),
        args='reason=BAD_QUOTED_PACKET')
    body = struct.pack('!BBHHH', 3, 4, 0, 0, 1400) + quoted[:24]
    vec('icmp4-quote-cut', 'icmp-malformed', 'quoted TCP shorter than 8 bytes', ipv4(R, A4, body, proto=1),
        args='reason=BAD_QUOTED_PACKET')


def hexlines(b):
    return '\n'.join(' '.join(b[i:i + 32][j:j + 4].hex() for j in range(0, 32, 4)).strip()
                     for i in range(0, len(b), 32)) or ''


def write():
    names = []
    for name, op, comment, inp, out, args, fields in vectors:
        lines = ['# ' + comment, 'op: ' + op]
        if args:
            lines.append('args: ' + args)
        if fields:
            lines.append('fields: ' + fields)
        lines += ['in:', hexlines(inp)]
        if out is not None:
            lines += ['out:', hexlines(out)]
        with open(os.path.join(HERE, name + '.txt'), 'w') as f:
            f.write('\n'.join(lines).rstrip('\n') + '\n')
        names.append(name + '.txt')
    with open(os.path.join(HERE, 'index.txt'), 'w') as f:
        f.write('# wire vectors, made by gen_vectors.py (see its doc string); one file per line\n')
        f.write('\n'.join(names) + '\n')


def write_pcap():
    with open(os.path.join(HERE, 'vectors.pcap'), 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
        for name, op, _c, inp, out, _a, _f in vectors:
            if op in ('malformed', 'icmp-malformed'):
                continue
            for p in (inp, out):
                if p:
                    f.write(struct.pack('<IIII', 0, 0, len(p), len(p)) + p)


if __name__ == '__main__':
    build()
    write()
    if '--pcap' in sys.argv:
        write_pcap()
    print('%d vectors' % len(vectors))
