package gatehouse.secrets.regex;

import gatehouse.secrets.regex.RegexSyntax.Alt;
import gatehouse.secrets.regex.RegexSyntax.Assert;
import gatehouse.secrets.regex.RegexSyntax.Chars;
import gatehouse.secrets.regex.RegexSyntax.Empty;
import gatehouse.secrets.regex.RegexSyntax.Group;
import gatehouse.secrets.regex.RegexSyntax.Node;
import gatehouse.secrets.regex.RegexSyntax.Rep;
import gatehouse.secrets.regex.RegexSyntax.Seq;
import java.util.Arrays;

/**
 * Thompson's construction of a regex tree into a program of instructions in growable parallel arrays, built
 * backwards from the continuation so that no patch lists are needed, as RE2 builds its own: a sequence from its
 * last item; an alternation as choices tried left first; a counted repetition unrolled and nested
 * ({@code x{2,4}} is {@code xx(x(x)?)?}); an unbounded one as a loop. Each choice lists first what RE2 prefers
 * (one more repetition unless lazy). {@link Automaton}'s NFA and {@link Backtracker}'s program are both built
 * here; they differ in what a set of characters, an assertion and a group become.
 */
abstract class Thompson {
    static final byte CHAR = 0;
    static final byte SPLIT = 1;
    static final byte MATCH = 2;
    static final byte SAVE = 3;
    static final byte ASSERT = 4;

    byte[] op = new byte[256];
    /** The next instruction; for a split, the one tried first. */
    int[] next = new int[256];
    /** A split's other instruction; what else an instruction needs (its set, slot or kind). */
    int[] arg = new int[256];
    int size;
    private final int maxSize;
    private final String tooLarge;

    Thompson(int maxSize, String tooLarge) {
        this.maxSize = maxSize;
        this.tooLarge = tooLarge;
    }

    /** Adds an instruction; {@link #grown} is told when the arrays grow. */
    final int add(byte kind, int to, int a) throws RegexSyntax.Unsupported {
        if (size == maxSize) {
            throw new RegexSyntax.Unsupported(tooLarge);
        }
        if (size == op.length) {
            op = Arrays.copyOf(op, size * 2);
            next = Arrays.copyOf(next, size * 2);
            arg = Arrays.copyOf(arg, size * 2);
            grown(size * 2);
        }
        op[size] = kind;
        next[size] = to;
        arg[size] = a;
        return size++;
    }

    /** The arrays now hold {@code capacity} instructions: a subclass grows its own to match. */
    void grown(int capacity) {}

    /** A choice: {@code first} is tried before {@code second}. */
    final int split(int first, int second) throws RegexSyntax.Unsupported {
        return add(SPLIT, first, second);
    }

    /** The instruction for a set of characters, followed by {@code out}. */
    abstract int chars(Chars c, int out) throws RegexSyntax.Unsupported;

    /** The entry instruction of an assertion followed by {@code out}. */
    abstract int assertion(Assert a, int out) throws RegexSyntax.Unsupported;

    /** The entry instruction of a capture group followed by {@code out}. */
    abstract int group(Group g, int out) throws RegexSyntax.Unsupported;

    /** Refuses a repetition the program cannot hold exactly (nothing by default). */
    void check(Rep r) throws RegexSyntax.Unsupported {}

    /** The entry instruction of {@code n} followed by {@code out}. */
    final int compile(Node n, int out) throws RegexSyntax.Unsupported {
        switch (n) {
            case Chars c -> {
                return chars(c, out);
            }
            case Empty e -> {
                return out;
            }
            case Assert a -> {
                return assertion(a, out);
            }
            case Group g -> {
                return group(g, out);
            }
            case Seq s -> {
                int entry = out;
                for (int i = s.items().size() - 1; i >= 0; i--) {
                    entry = compile(s.items().get(i), entry);
                }
                return entry;
            }
            case Alt a -> {
                int entry = compile(a.options().get(a.options().size() - 1), out);
                for (int i = a.options().size() - 2; i >= 0; i--) {
                    entry = split(compile(a.options().get(i), out), entry);
                }
                return entry;
            }
            case Rep r -> {
                check(r);
                int entry;
                if (r.max() < 0) {
                    int loop = split(-1, -1);
                    int body = compile(r.item(), loop); // may grow the arrays: assign after
                    next[loop] = r.greedy() ? body : out;
                    arg[loop] = r.greedy() ? out : body;
                    entry = loop;
                } else {
                    entry = out;
                    for (int i = 0; i < r.max() - r.min(); i++) {
                        int more = compile(r.item(), entry);
                        entry = r.greedy() ? split(more, out) : split(out, more);
                    }
                }
                for (int i = 0; i < r.min(); i++) {
                    entry = compile(r.item(), entry);
                }
                return entry;
            }
        }
    }
}
