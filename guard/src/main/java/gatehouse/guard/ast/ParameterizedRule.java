package gatehouse.guard.ast;

import java.util.List;

/** {@code rule name(p1, p2) { ... }}; parameter names are unique and in declaration order. */
public record ParameterizedRule(List<String> parameterNames, Rule rule) {
    public ParameterizedRule { parameterNames = List.copyOf(parameterNames); }
}
