/**
 * Morpho Blue (work in progress): the protocol's events, market discovery and batched reads, evaluated with
 * the pure model in {@code model}, behind {@code LendingMarket} ({@link dev.margincall.protocol.morphoblue.MorphoBlueMarket},
 * config {@code type: morpho-blue}). Wallet funding only: the callback liquidator contract is not built yet.
 * Only the composition root may depend on this package (ArchitectureTest).
 */
package dev.margincall.protocol.morphoblue;
