/**
 * Morpho Blue (work in progress): the protocol's events, market discovery and batched reads, evaluated with
 * the pure model in {@code model}. Only the composition root may depend on this package (ArchitectureTest).
 * The {@code LendingMarket} implementation (config {@code type: morpho-blue}) comes next.
 */
package dev.margincall.protocol.morphoblue;
