/**
 * The Guard language's abstract syntax tree, as produced by {@code gatehouse.guard.parse.Parser}.
 *
 * <p>The shapes deliberately mirror cfn-guard 3.1.1's expression tree (rules file, rules, blocks,
 * conjunctions of disjunctions, clauses, queries), so that {@code guard parse-tree} can print the same
 * structure cfn-guard prints and so that evaluation semantics can be matched case by case.
 * All nodes are immutable records. {@code Conjunctions<T>} is written {@code List<List<T>>}: the outer
 * list is ANDed, each inner list is ORed.
 */
package gatehouse.guard.ast;
