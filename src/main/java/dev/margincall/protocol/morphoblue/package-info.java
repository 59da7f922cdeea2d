/**
 * Morpho Blue (work in progress): the protocol's events, market discovery and batched reads, evaluated with
 * the pure model in {@code model}, behind {@code LendingMarket} ({@link dev.margincall.protocol.morphoblue.MorphoBlueMarket},
 * config {@code type: morpho-blue}). Wallet funding (Morpho pulls the loan token from the keeper) or contract funding
 * through {@link dev.margincall.protocol.morphoblue.MorphoLiquidator} (contracts/MorphoLiquidator.sol, Morpho's
 * {@code onMorphoLiquidate} callback: no capital, no flash loan).
 * Only the composition root may depend on this package (ArchitectureTest).
 */
package dev.margincall.protocol.morphoblue;
