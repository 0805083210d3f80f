package gatehouse.core.net;

import java.util.Arrays;
import java.util.Optional;

/**
 * An IPv4 or IPv6 address range in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); a bare address
 * is a range of one ({@code /32} or {@code /128}). Parsing is purely textual (never a DNS lookup). Host bits
 * below the prefix are ignored, as AWS does for security-group rules ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}).
 * An IPv4-mapped IPv6 address ({@code ::ffff:1.2.3.4}) is a different family from IPv4 here, as in AWS, where
 * {@code CidrIp} and {@code CidrIpv6} are separate.
 */
public final class Cidr {
    private final byte[] address; // masked to the prefix
    private final int prefix;

    private Cidr(byte[] address, int prefix) {
        this.address = address;
        this.prefix = prefix;
        for (int bit = prefix; bit < address.length * 8; bit++) {
            address[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
    }

    /** Parses {@code text}, or returns empty when it is not an address or CIDR. */
    public static Optional<Cidr> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = addr.indexOf(':') >= 0 ? ipv6(addr) : ipv4(addr);
        if (bytes == null) {
            return Optional.empty();
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.empty();
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                return Optional.empty();
            }
        }
        return Optional.of(new Cidr(bytes, prefix));
    }

    public boolean isIpv6() {
        return address.length == 16;
    }

    public int prefixLength() {
        return prefix;
    }

    /** The number of addresses as a power of two: 0 for a single address, 32 for 0.0.0.0/0. */
    public int sizeBits() {
        return address.length * 8 - prefix;
    }

    /** True when every address of {@code other} is in this range (same family only). */
    public boolean contains(Cidr other) {
        return other.address.length == address.length && other.prefix >= prefix && samePrefix(other, prefix);
    }

    /** True when the two ranges share at least one address (same family only). */
    public boolean overlaps(Cidr other) {
        return other.address.length == address.length && samePrefix(other, Math.min(prefix, other.prefix));
    }

    private boolean samePrefix(Cidr other, int bits) {
        for (int bit = 0; bit < bits; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((address[bit / 8] & mask) != (other.address[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static byte[] ipv6(String s) {
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            return null;
        }
        String head = dbl >= 0 ? s.substring(0, dbl) : s;
        String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
        if (dbl >= 0 && head.indexOf('.') >= 0) {
            return null;
        }
        int[] h = groups(head);
        int[] t = groups(tail);
        if (h == null || t == null) {
            return null;
        }
        int total = h.length + t.length;
        if (dbl < 0 ? total != 8 : total > 7) {
            return null;
        }
        int[] all = new int[8];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(t, 0, all, 8 - t.length, t.length);
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[2 * i] = (byte) (all[i] >>> 8);
            out[2 * i + 1] = (byte) all[i];
        }
        return out;
    }

    /** 16-bit groups of one side of "::"; a trailing dotted IPv4 counts as two groups. */
    private static int[] groups(String s) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] parts = s.split(":", -1);
        int[] out = new int[parts.length + 1];
        int n = 0;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (i == parts.length - 1 && p.indexOf('.') >= 0) {
                byte[] v4 = ipv4(p);
                if (v4 == null) {
                    return null;
                }
                out[n++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                out[n++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
                continue;
            }
            if (p.isEmpty() || p.length() > 4) {
                return null;
            }
            int v = 0;
            for (int k = 0; k < p.length(); k++) {
                int d = Character.digit(p.charAt(k), 16);
                if (d < 0) {
                    return null;
                }
                v = v * 16 + d;
            }
            out[n++] = v;
        }
        return Arrays.copyOf(out, n);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (address.length == 4) {
            for (int i = 0; i < 4; i++) {
                sb.append(i == 0 ? "" : ".").append(address[i] & 0xff);
            }
        } else {
            for (int i = 0; i < 8; i++) {
                sb.append(i == 0 ? "" : ":").append(Integer.toHexString(((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff)));
            }
        }
        return sb.append('/').append(prefix).toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.address, address);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(address) * 31 + prefix;
    }
}
