# jl.awk - just enough JSON for run-tests.sh, in POSIX awk (busybox, mawk,
# gawk). Prepended to the small awk programs of run-tests.sh.
#
#   jparse(line, A)  top-level members of a JSON object into A[key] (raw
#                    JSON text of each value); 1 if line is one object
#   S(k)             J[k] as a string: quotes off, \" \\ \/ unescaped
#                    (other escapes stay as written, e.g. \n or \udcff)
#   N(k)             J[k] as a number
#   O(k, k2)         member k2 of the object J[k] (raw)
#   H(k)             1 if J has the key k
#   alen(raw)        number of elements of a raw JSON array
#   aelem(raw, i)    element i (1-based) of a raw JSON array (raw)
#
# J is the parsed current line. Strings are matched with a regex, nested
# values by counting brackets outside strings: enough for proclife's
# compact one-line output and the fixtures' reports.

# End position of the JSON value that starts at pos in str, or -1.
function jend(str, pos,    c, depth, rest, e) {
	c = substr(str, pos, 1)
	if (c == "\"") {
		rest = substr(str, pos)
		if (!match(rest, /^"([^"\\]|\\.)*"/))
			return -1
		return pos + RLENGTH - 1
	}
	if (c == "{" || c == "[") {
		depth = 0
		while (pos <= length(str)) {
			c = substr(str, pos, 1)
			if (c == "\"") {
				e = jend(str, pos)
				if (e < 0)
					return -1
				pos = e + 1
				continue
			}
			if (c == "{" || c == "[") {
				depth++
			} else if (c == "}" || c == "]") {
				depth--
				if (depth == 0)
					return pos
			} else if (match(substr(str, pos), /^[^][{}"]+/)) {
				pos += RLENGTH
				continue
			}
			pos++
		}
		return -1
	}
	rest = substr(str, pos)
	if (!match(rest, /^[-+.0-9a-zA-Z]+/))
		return -1
	return pos + RLENGTH - 1
}

function jskip(str, pos) {
	while (substr(str, pos, 1) == " " || substr(str, pos, 1) == "\t")
		pos++
	return pos
}

function jparse(str, A,    pos, len, e, key, c) {
	split("", A)
	sub(/\r$/, "", str)
	pos = jskip(str, 1)
	if (substr(str, pos, 1) != "{")
		return 0
	pos = jskip(str, pos + 1)
	len = length(str)
	if (substr(str, pos, 1) == "}")
		return jskip(str, pos + 1) > len
	while (pos <= len) {
		if (substr(str, pos, 1) != "\"")
			return 0
		e = jend(str, pos)
		if (e < 0)
			return 0
		key = substr(str, pos + 1, e - pos - 1)
		pos = jskip(str, e + 1)
		if (substr(str, pos, 1) != ":")
			return 0
		pos = jskip(str, pos + 1)
		e = jend(str, pos)
		if (e < 0)
			return 0
		A[key] = substr(str, pos, e - pos + 1)
		pos = jskip(str, e + 1)
		c = substr(str, pos, 1)
		if (c == "}")
			return jskip(str, pos + 1) > len
		if (c != ",")
			return 0
		pos = jskip(str, pos + 1)
	}
	return 0
}

function unq(raw,    out, i, c) {
	if (substr(raw, 1, 1) != "\"")
		return raw
	raw = substr(raw, 2, length(raw) - 2)
	out = ""
	for (i = 1; i <= length(raw); i++) {
		c = substr(raw, i, 1)
		if (c == "\\" && index("\"\\/", substr(raw, i + 1, 1))) {
			out = out substr(raw, i + 1, 1)
			i++
		} else {
			out = out c
		}
	}
	return out
}

function S(k) { return unq(J[k]) }
function N(k) { return J[k] + 0 }
function H(k) { return (k in J) }
function O(k, k2,    T) {
	if (!jparse(J[k], T))
		return ""
	return T[k2]
}

function alen(raw,    pos, e, n) {
	if (substr(raw, 1, 1) != "[")
		return -1
	pos = jskip(raw, 2)
	if (substr(raw, pos, 1) == "]")
		return 0
	n = 0
	while (pos <= length(raw)) {
		e = jend(raw, pos)
		if (e < 0)
			return -1
		n++
		pos = jskip(raw, e + 1)
		if (substr(raw, pos, 1) == "]")
			return n
		pos = jskip(raw, pos + 1)
	}
	return -1
}

function aelem(raw, i,    pos, e, n) {
	pos = jskip(raw, 2)
	n = 0
	while (pos <= length(raw)) {
		e = jend(raw, pos)
		if (e < 0)
			return ""
		if (++n == i)
			return substr(raw, pos, e - pos + 1)
		pos = jskip(raw, e + 1)
		if (substr(raw, pos, 1) == "]")
			return ""
		pos = jskip(raw, pos + 1)
	}
	return ""
}
