package gatehouse.guard.ast;

import gatehouse.core.doc.Position;
import gatehouse.core.doc.Value;

/**
 * A range literal: {@code r[lo,hi]}, {@code r(lo,hi)}, {@code r[lo,hi)}, {@code r(lo,hi]}. Bounds are both
 * int ({@code IntValue}), both float ({@code FloatValue}) or both char ({@link CharValue}).
 */
public record RangeValue(String path, Position position, Value lower, Value upper,
                         boolean lowerInclusive, boolean upperInclusive) implements Value.Extension {
    @Override public String kindName() { return "range"; }
}
