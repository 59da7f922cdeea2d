/**
 * Positions and prices as the keeper knows them: PositionBook (accounts → positions), PriceBook (asset → price at a block), market parameters, and the dependency index asset → accounts, so a price move re-evaluates only the accounts it touches. Rolled back on reorgs.
 */
package dev.margincall.state;
