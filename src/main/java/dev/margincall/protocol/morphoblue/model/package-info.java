/**
 * Morpho Blue's risk math as pure functions, rounding exactly as the contract does. The reference is
 * {@code @morpho-org/morpho-blue@1.0.0} ({@code src/Morpho.sol} and {@code src/libraries/}); each rule names the
 * file and line it follows. No I/O, no clock (ArchitectureTest enforces it): time comes in as a block timestamp,
 * the borrow rate as the IRM answered it, the price as the oracle answered it.
 */
package dev.margincall.protocol.morphoblue.model;
