// The private check: canonical keys computed on this device, only a 5-hex hash prefix sent.
//
// Phones (libphonenumber-js, "max" metadata), links and domains (the URL API for IDN, tldts for
// the Public Suffix List) and wallets (base58check, bech32/bech32m, EIP-55 with @noble/hashes)
// are canonicalised here exactly as the server's `scamlink.indicators` does: the page test
// (tests/web/test_lookup_private_browser.py) compares both for several hundred inputs. The key's
// SHA-256 is computed here; GET /api/v1/lookup/range/<first 5 hex> answers every suffix of that
// bucket with its public standing, and the match happens here. docs/lookup-private.md describes
// the construction for other clients.
//
// Everything the page needs from the vendor folder is filled from npm at build time (Makefile).

import { sha256 } from "./vendor/noble-hashes/sha2.js";
import { keccak_256 } from "./vendor/noble-hashes/sha3.js";
import { parse as parseHostname } from "./vendor/tldts.esm.min.js";

export class Invalid extends Error {}

const fail = (reason) => {
  throw new Invalid(reason);
};

// --- text ----------------------------------------------------------------------------------

// Every Unicode decimal digit as ASCII: Nd digits come in runs of ten starting at zero.
function toAsciiDigits(text) {
  let out = "";
  for (const ch of text) {
    if (/^\p{Nd}$/u.test(ch) && !/^[0-9]$/.test(ch)) {
      let cp = ch.codePointAt(0);
      let start = cp;
      while (/^\p{Nd}$/u.test(String.fromCodePoint(start - 1))) start -= 1;
      out += String((cp - start) % 10);
    } else {
      out += ch;
    }
  }
  return out;
}

// Python's str.strip(): Unicode white space at both ends (not U+FEFF, which trim() removes).
const WS = "[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const STRIP_RE = new RegExp(`^${WS}+|${WS}+$`, "g");
const pyStrip = (s) => s.replace(STRIP_RE, "");

function foldFullwidth(text) {
  return text.replace(/[\uff01-\uff5e\u3000]/g, (c) =>
    c === "\u3000" ? " " : String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );
}

// --- phones --------------------------------------------------------------------------------

const PHONE_RE = /\+?\(?\d[\d \t\-.()\u00a0\u2010-\u2015]*\d/g;
const SEPARATORS = /[\s\-.()\u00a0\u2010-\u2015]/g;
const DATE_RE = /^\s*(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2}))\s*$/;
const AMOUNT_RE = /\d,\d{3}(?!\d)/;
const MAX_SHORT = 6;

function phoneLib() {
  const lib = globalThis.libphonenumber;
  if (!lib) fail("the phone number library did not load");
  return lib;
}

function validNumber(number, region) {
  try {
    const parsed = phoneLib().parsePhoneNumberFromString(number, region || undefined);
    return parsed && parsed.isValid() ? parsed.number : null;
  } catch {
    return null;
  }
}

export function canonicalPhone(raw, country) {
  const text = pyStrip(toAsciiDigits(raw.normalize("NFKC")));
  if (!text) fail("empty phone number");
  if (DATE_RE.test(text)) fail("looks like a date, not a phone number");
  if (AMOUNT_RE.test(text)) fail("looks like an amount, not a phone number");
  const spans = text.match(PHONE_RE) || [];
  if (spans.length === 0) fail("no phone number");
  if (spans.length > 1) fail("more than one number");
  const number = spans[0].replace(SEPARATORS, "");
  const plus = number.startsWith("+");
  const digits = number.replace(/^\++/, "");
  const region = country ? country.toUpperCase() : null;
  if (!plus && digits.length <= MAX_SHORT) fail("a short code or emergency number");
  if (!plus && !region) fail("no country code and no country was given");
  let value = validNumber(number, plus ? null : region);
  if (value === null && !plus) {
    const candidates = [digits.startsWith("00") ? digits.slice(2) : null, digits];
    for (const candidate of candidates) {
      if (candidate && candidate.length >= 8) {
        value = validNumber("+" + candidate, null);
        if (value !== null) break;
      }
    }
  }
  if (value === null) fail("not a valid phone number");
  return value;
}

// --- links and domains ---------------------------------------------------------------------

const OPEN = "[\\[\\(\\{<]";
const CLOSE = "[\\]\\)\\}>]";
const REFANG = [
  [/\bh(?:xx|\*\*)p(s?)\b/gi, "http$1"],
  [/\bf(?:xx|XX)p\b/gi, "ftp"],
  [new RegExp(`${OPEN}\\s*:\\s*//\\s*${CLOSE}`, "g"), "://"],
  [new RegExp(`${OPEN}\\s*://\\s*${CLOSE}`, "g"), "://"],
  [new RegExp(`${OPEN}\\s*:\\s*${CLOSE}`, "g"), ":"],
  [new RegExp(`${OPEN}\\s*/\\s*${CLOSE}`, "g"), "/"],
  [new RegExp(`\\s*${OPEN}\\s*(?:\\.|dot)\\s*${CLOSE}\\s*`, "gi"), "."],
  [new RegExp(`\\s+${OPEN}?\\s*dot\\s*${CLOSE}?\\s+`, "gi"), "."],
  [/[。｡．]/g, "."],
];
const REFANG_HINT = /[\[\(\{<。｡．\s]|[hf](?:xx|\*\*)p/i;

export function refang(text) {
  if (!REFANG_HINT.test(text)) return text;
  for (const [pattern, replacement] of REFANG) text = text.replace(pattern, replacement);
  return text;
}

const LABEL_RE = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const TLD_RE = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const IPV4_SHAPE = /^[0-9]+(?:\.[0-9]+){3}$/;

// RFC 3492 decoding; an incomplete or overflowing string is refused (as Python's codec does).
export function punycodeDecode(input) {
  const base = 36;
  const basic = input.lastIndexOf("-");
  const output = basic > 0 ? [...input.slice(0, basic)].map((c) => c.codePointAt(0)) : [];
  if (output.some((c) => c >= 0x80)) fail("invalid A-label");
  let n = 128;
  let bias = 72;
  let i = 0;
  let pos = basic > 0 ? basic + 1 : 0;
  let first = true;
  const digit = (c) =>
    c >= 48 && c <= 57 ? c - 22 : c >= 65 && c <= 90 ? c - 65 : c >= 97 && c <= 122 ? c - 97 : base;
  while (pos < input.length) {
    const old = i;
    let w = 1;
    for (let k = base; ; k += base) {
      if (pos >= input.length) fail("incomplete punycode");
      const d = digit(input.charCodeAt(pos++));
      if (d >= base) fail("invalid punycode");
      i += d * w;
      const t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
      if (d < t) break;
      w *= base - t;
      if (i > 0x10ffff * 64 || w > 0x10ffff * 64) fail("punycode overflow");
    }
    const length = output.length + 1;
    let delta = first ? Math.floor((i - old) / 700) : Math.floor((i - old) / 2);
    first = false;
    delta += Math.floor(delta / length);
    let k = 0;
    while (delta > 455) {
      delta = Math.floor(delta / 35);
      k += base;
    }
    bias = k + Math.floor((36 * delta) / (delta + 38));
    n += Math.floor(i / length);
    i %= length;
    if (n > 0x10ffff) fail("punycode overflow");
    output.splice(i, 0, n);
    i += 1;
  }
  return String.fromCodePoint(...output);
}

// One label to its A-label with the browser's own IDNA (UTS 46), refusing what IDNA 2008 (the
// server's `idna` package) refuses and the URL API lets through.
function aLabel(label) {
  if (/^[\x00-\x7f]*$/.test(label)) {
    const a = label.toLowerCase();
    // An A-label must decode (strictly) to a label that encodes back to it.
    if (a.startsWith("xn--") && aLabel(punycodeDecode(a.slice(4))) !== a) {
      fail(`invalid A-label ${a}`);
    }
    return a;
  }
  if (/[\x00-\x2c\x2e-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]/.test(label)) fail(`invalid label ${label}`);
  if (/[^\p{L}\p{M}\p{Nd}\-]/u.test(label)) fail(`invalid label ${label}`);
  let host;
  try {
    host = new URL(`http://${label}/`).hostname;
  } catch {
    fail(`invalid internationalised label ${label}`);
  }
  if (host.includes(".")) fail(`invalid internationalised label ${label}`);
  return host;
}

function ipv4(host) {
  const parts = host.split(".");
  for (const part of parts) {
    if (part.length > 1 && part.startsWith("0")) fail(`${host} is not a valid IPv4 address`);
    if (Number(part) > 255) fail(`${host} is not a valid IPv4 address`);
  }
  return parts.map(Number).join(".");
}

function ipv6(host) {
  let url;
  try {
    url = new URL(`http://[${host}]/`);
  } catch {
    fail(`${host} is not a valid IPv6 address`);
  }
  return url.hostname.slice(1, -1);
}

function publicSuffixInfo(domain) {
  return parseHostname(domain, { allowPrivateDomains: true });
}

export function registeredDomain(domain) {
  if (domain.endsWith(".onion")) return domain.split(".").slice(-2).join(".");
  const info = publicSuffixInfo(domain);
  if (!info.isIcann && !info.isPrivate) return null;
  return info.domain || null;
}

// A host as {kind: "domain"|"ipv4"|"ipv6", value}.
export function canonicalHost(raw) {
  let host = pyStrip(raw.normalize("NFC")).replace(/\.+$/, "");
  host = host.replace(/[。｡．]/g, ".");
  if (!host) fail("empty host");
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  if (host.includes(":")) return { kind: "ipv6", value: ipv6(host) };
  if (IPV4_SHAPE.test(host)) return { kind: "ipv4", value: ipv4(host) };
  const labels = host.split(".").map((label) => {
    if (!label) fail(`empty label in host ${host}`);
    const a = aLabel(label);
    if (!LABEL_RE.test(a)) fail(`invalid host label ${label}`);
    return a;
  });
  const value = labels.join(".");
  if (value.length > 253) fail("host name longer than 253 characters");
  if (labels.length < 2) fail(`${raw} is not a domain name (no dot)`);
  const tld = labels[labels.length - 1];
  if (!TLD_RE.test(tld) || (tld !== "onion" && !publicSuffixInfo(tld).isIcann)) {
    fail(`${raw} has no known top-level domain`);
  }
  return { kind: "domain", value };
}

function stripWww(domain) {
  if (domain.startsWith("www.") && registeredDomain(domain.slice(4)) !== null) {
    return domain.slice(4);
  }
  return domain;
}

// What a host yields: the IP, or the domain (www. dropped) and its registered domain.
export function hostKeys(host) {
  if (host.kind !== "domain") return [{ type: host.kind, value: host.value }];
  const value = stripWww(host.value);
  const keys = [{ type: "domain", value }];
  const registered = registeredDomain(value);
  if (registered !== null && registered !== value) keys.push({ type: "domain", value: registered });
  return keys;
}

const SCHEME_RE = /^([a-zA-Z][a-zA-Z0-9+.\-]*):\/\//;
const OTHER_SCHEME_RE = /^([a-zA-Z][a-zA-Z0-9+\-]*):(?![0-9])/;
const SCHEMES = { http: 80, https: 443, ftp: 21 };
const PATH_SAFE = "/%:@!$&'()*+,;=-._~";
const QUERY_SAFE = PATH_SAFE + "?";
const UTF8 = new TextEncoder();

function encodePart(part, safe) {
  let out = "";
  for (const ch of part) {
    if (/^[A-Za-z0-9_.\-~]$/.test(ch) || (ch.length === 1 && ch < "\x80" && safe.includes(ch))) {
      out += ch;
      continue;
    }
    const cp = ch.codePointAt(0);
    if (cp >= 0xd800 && cp <= 0xdfff) fail("lone surrogate in the link");
    for (const byte of UTF8.encode(ch)) out += "%" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return out.replace(/%[0-9a-fA-F]{2}/g, (m) => m.toUpperCase());
}

function partition(text, sep) {
  const i = text.indexOf(sep);
  return i < 0 ? [text, "", ""] : [text.slice(0, i), sep, text.slice(i + sep.length)];
}

function rpartition(text, sep) {
  const i = text.lastIndexOf(sep);
  return i < 0 ? ["", "", text] : [text.slice(0, i), sep, text.slice(i + sep.length)];
}

// {url, host, bare} as the server's `indicators.web.parse_url` gives them.
export function parseUrl(raw) {
  let text = refang(pyStrip(foldFullwidth(raw)));
  if (text.length > 2 && text[0] === "<" && text[text.length - 1] === ">") {
    text = pyStrip(text.slice(1, -1));
  }
  if (!text) fail("empty URL");
  const m = SCHEME_RE.exec(text);
  const hadScheme = m !== null;
  let scheme;
  let rest;
  if (m === null) {
    const other = OTHER_SCHEME_RE.exec(text);
    if (other) fail(`unsupported URL scheme ${other[1].toLowerCase()}`);
    if (text.startsWith("//")) text = text.slice(2);
    scheme = "http";
    rest = text;
  } else {
    scheme = m[1].toLowerCase();
    rest = text.slice(m[0].length);
  }
  if (!(scheme in SCHEMES)) fail(`unsupported URL scheme ${scheme}`);
  rest = partition(rest, "#")[0];
  const cuts = [rest.indexOf("/"), rest.indexOf("?")].filter((i) => i >= 0);
  const cut = cuts.length ? Math.min(...cuts) : rest.length;
  const authority = rest.slice(0, cut);
  const [path, qmark, query] = partition(rest.slice(cut), "?");
  const [userinfo, at, hostport] = rpartition(authority, "@");
  let hostText;
  let portText;
  if (hostport.startsWith("[")) {
    const end = hostport.indexOf("]");
    if (end < 0) fail("unclosed IPv6 bracket");
    hostText = hostport.slice(0, end + 1);
    portText = hostport.slice(end + 1);
    if (portText && !portText.startsWith(":")) fail("junk after IPv6 address");
    portText = portText.slice(1);
  } else {
    const [before, colon, after] = rpartition(hostport, ":");
    [hostText, portText] = colon ? [before, after] : [hostport, ""];
  }
  let port = null;
  if (portText) {
    if (!/^[0-9]+$/.test(portText) || Number(portText) > 65535) fail(`invalid port ${portText}`);
    port = Number(portText);
  }
  if (/\s/.test(authority)) fail("space in the host part");
  const host = canonicalHost(hostText);
  if (port === SCHEMES[scheme]) port = null;
  const bare = !hadScheme && !at && port === null && (path === "" || path === "/") && !qmark;
  const encodedPath = encodePart(path || "/", PATH_SAFE);
  const encodedQuery = encodePart(query, QUERY_SAFE);
  const hostPart = host.kind === "ipv6" ? `[${host.value}]` : host.value;
  const url =
    `${scheme}://${at ? userinfo + "@" : ""}${hostPart}${port !== null ? ":" + port : ""}` +
    `${encodedPath}${encodedQuery ? "?" + encodedQuery : ""}`;
  return { url, host, bare };
}

// The keys of a link as the urls column gives them: [url, domain(s)], a bare host its domain(s).
export function linkKeys(raw) {
  const parsed = parseUrl(raw);
  const hosts = hostKeys(parsed.host);
  return parsed.bare ? hosts : [{ type: "url", value: parsed.url }, ...hosts];
}

// --- wallets -------------------------------------------------------------------------------

const B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const B58_CLASS = "1-9A-HJ-NP-Za-km-z";
const NOT_AFTER = "(?<![0-9A-Za-z])";
const NOT_BEFORE = "(?![0-9A-Za-z])";
const ETH = `${NOT_AFTER}0[xX][0-9a-fA-F]{40}${NOT_BEFORE}`;
const BECH32 = `${NOT_AFTER}(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{8,87}${NOT_BEFORE}`;
const TRON = `${NOT_AFTER}T[${B58_CLASS}]{33}${NOT_BEFORE}`;
const TRON_HEX = `${NOT_AFTER}41[0-9a-fA-F]{40}${NOT_BEFORE}`;
const BASE58 = `${NOT_AFTER}[13][${B58_CLASS}]{25,34}${NOT_BEFORE}`;
const WALLET_RE = new RegExp([ETH, BECH32, TRON, TRON_HEX, BASE58].join("|"), "g");
const full = (pattern) => new RegExp(`^(?:${pattern})$`);

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

function base58Decode(text) {
  let n = 0n;
  for (const ch of text) {
    const digit = B58.indexOf(ch);
    if (digit < 0) fail(`invalid base58 character ${ch}`);
    n = n * 58n + BigInt(digit);
  }
  const body = [];
  while (n > 0n) {
    body.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  const pad = text.length - text.replace(/^1+/, "").length;
  return Uint8Array.from([...new Array(pad).fill(0), ...body]);
}

function base58Encode(bytes) {
  let n = BigInt("0x" + (hex(bytes) || "0"));
  let out = "";
  while (n > 0n) {
    out = B58[Number(n % 58n)] + out;
    n /= 58n;
  }
  let pad = 0;
  while (pad < bytes.length && bytes[pad] === 0) pad += 1;
  return "1".repeat(pad) + out;
}

const checksum4 = (payload) => sha256(sha256(payload)).slice(0, 4);

function base58checkDecode(text) {
  const raw = base58Decode(text);
  if (raw.length < 5) fail("base58check string too short");
  const payload = raw.slice(0, -4);
  if (hex(checksum4(payload)) !== hex(raw.slice(-4))) fail("bad checksum");
  return payload;
}

const BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values) {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0;
    for (let i = 0; i < 5; i += 1) if ((top >>> i) & 1) chk = (chk ^ GENERATOR[i]) >>> 0;
  }
  return chk;
}

function bech32Decode(hrp, address) {
  if ([...address].some((c) => c.charCodeAt(0) < 33 || c.charCodeAt(0) > 126)) {
    fail("character out of range");
  }
  if (address.toLowerCase() !== address && address.toUpperCase() !== address) fail("mixed case");
  if (address.length > 90) fail("too long");
  const s = address.toLowerCase();
  const pos = s.lastIndexOf("1");
  if (pos < 1) fail("missing separator");
  if (pos + 7 > s.length) fail("checksum too short");
  const got = s.slice(0, pos);
  const data = [...s.slice(pos + 1)].map((c) => {
    const v = BECH32_CHARSET.indexOf(c);
    if (v < 0) fail(`invalid bech32 character ${c}`);
    return v;
  });
  const expand = [...got].map((c) => c.charCodeAt(0) >> 5);
  expand.push(0, ...[...got].map((c) => c.charCodeAt(0) & 31));
  const constant = polymod([...expand, ...data]);
  if (constant !== 1 && constant !== 0x2bc830a3) fail("bad bech32 checksum");
  if (got !== hrp) fail(`human-readable part is ${got}`);
  const words = data.slice(0, -6);
  if (words.length === 0) fail("empty data section");
  const version = words[0];
  if (version > 16) fail("invalid witness version");
  let acc = 0;
  let bits = 0;
  const program = [];
  for (const value of words.slice(1)) {
    acc = ((acc << 5) | value) & 0xfff;
    bits += 5;
    while (bits >= 8) {
      bits -= 8;
      program.push((acc >> bits) & 0xff);
    }
  }
  if (bits >= 5) fail("more than 4 bits of padding");
  if ((acc << (8 - bits)) & 0xff) fail("non-zero padding");
  if (program.length < 2 || program.length > 40) fail("invalid witness program length");
  if (version === 0 && program.length !== 20 && program.length !== 32) fail("bad v0 program");
  if (constant !== (version === 0 ? 1 : 0x2bc830a3)) fail("bad checksum for the witness version");
}

function canonicalEth(text) {
  if (!full(ETH).test(text)) fail("not an Ethereum address");
  const body = text.slice(2);
  const lower = body.toLowerCase();
  if (body !== lower && body !== body.toUpperCase()) {
    const digest = hex(keccak_256(UTF8.encode(lower)));
    const checksummed = [...lower]
      .map((c, i) => (/[a-f]/.test(c) && parseInt(digest[i], 16) >= 8 ? c.toUpperCase() : c))
      .join("");
    if (checksummed !== body) fail("bad checksum (EIP-55 mixed case)");
  }
  return { type: "eth", value: "0x" + lower };
}

function canonicalBtc(text) {
  if (text.slice(0, 3).toLowerCase() === "bc1") {
    bech32Decode("bc", text);
    return { type: "btc", value: text.toLowerCase() };
  }
  if (!full(BASE58).test(text)) fail("not a Bitcoin address");
  const payload = base58checkDecode(text);
  if (payload.length !== 21 || (payload[0] !== 0 && payload[0] !== 5)) {
    fail("not a mainnet P2PKH/P2SH Bitcoin address");
  }
  return { type: "btc", value: text };
}

function canonicalTron(text) {
  if (full(TRON_HEX).test(text)) {
    const payload = Uint8Array.from(text.match(/../g).map((h) => parseInt(h, 16)));
    text = base58Encode(Uint8Array.from([...payload, ...checksum4(payload)]));
  }
  if (!full(TRON).test(text)) fail("not a TRON address");
  const payload = base58checkDecode(text);
  if (payload.length !== 21 || payload[0] !== 0x41) fail("not a TRON address");
  return { type: "tron", value: text };
}

export function canonicalWallet(raw) {
  const text = pyStrip(raw);
  const found = text.match(WALLET_RE) || [];
  if (found.length > 1) fail("more than one address");
  if (found.length === 0) fail("not a recognised wallet address (BTC, ETH, TRON)");
  const address = found[0];
  if (address.startsWith("0x") || address.startsWith("0X")) return canonicalEth(address);
  if (address.slice(0, 3).toLowerCase() === "bc1") return canonicalBtc(address);
  if (address[0] === "T" || address.startsWith("41")) return canonicalTron(address);
  return canonicalBtc(address);
}

// --- keys and the range check ----------------------------------------------------------------

// The canonical keys of one value of a kind ("phone", "link", "wallet"): [{type, value}].
export function keysOf(kind, raw, country) {
  if (kind === "phone") return [{ type: "phone", value: canonicalPhone(raw, country) }];
  if (kind === "link") return linkKeys(raw);
  if (kind === "wallet") return [canonicalWallet(raw)];
  return fail(`unknown kind ${kind}`);
}

// The result for every kind that does not throw; {error} otherwise (for the page test).
export function tryKeys(kind, raw, country) {
  try {
    return { keys: keysOf(kind, raw, country) };
  } catch (e) {
    return { error: e instanceof Invalid ? e.message : `${e.name}: ${e.message}` };
  }
}

export function keyHex(canonical) {
  return hex(sha256(UTF8.encode(canonical)));
}

export const STANDINGS = ["unknown", "suspicious", "reported", "safe-listed"];

// The public standing (0-3) of one canonical key, asking the server for its prefix only.
export async function rangeStanding(canonical, fetcher = fetch) {
  const digest = keyHex(canonical);
  const prefix = digest.slice(0, 5);
  const suffix = digest.slice(5, 16);
  // No cookie and no Referer: the page's own address may hold a value typed into the other box.
  const response = await fetcher(`/api/v1/lookup/range/${prefix}`, {
    headers: { Accept: "application/json" },
    credentials: "omit",
    referrerPolicy: "no-referrer",
  });
  if (!response.ok) throw new Error(`range answer ${response.status}`);
  const body = await response.json();
  if (body.prefix !== prefix || !Array.isArray(body.entries)) throw new Error("not a range answer");
  let standing = 0;
  for (const entry of body.entries) {
    const [entrySuffix, digit] = String(entry).split(":");
    if (entrySuffix === suffix) standing = Math.max(standing, Number(digit) || 0);
  }
  return standing;
}

// --- the page ------------------------------------------------------------------------------

function wire(form) {
  const output = form.querySelector("[data-private-result]");
  const messages = JSON.parse(form.dataset.messages || "{}");
  const say = (text, standing) => {
    output.textContent = text;
    output.dataset.standing = standing;
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const kind = String(data.get("kind") || "phone");
    const value = String(data.get("value") || "");
    const country = String(data.get("country") || "");
    const found = tryKeys(kind, value, country);
    if (found.error) {
      say(`${messages.invalid || "invalid"}: ${found.error}`, "invalid");
      return;
    }
    say(messages.checking || "…", "checking");
    try {
      const standings = await Promise.all(found.keys.map((key) => rangeStanding(key.value)));
      const worst = standings.includes(2) ? 2 : standings.includes(1) ? 1 : standings[0] || 0;
      const name = STANDINGS[worst];
      say(`${messages[name] || name} — ${found.keys[0].value}`, name);
    } catch (e) {
      say(messages.failed || String(e), "failed");
    }
  });
}

if (typeof document !== "undefined") {
  for (const form of document.querySelectorAll("form[data-private-lookup]")) wire(form);
  // Shown only now: without this script the form could only send the value itself.
  for (const section of document.querySelectorAll("[data-private-section]")) section.hidden = false;
}
