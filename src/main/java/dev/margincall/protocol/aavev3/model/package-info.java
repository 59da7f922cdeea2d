/**
 * Aave V3's risk math as pure functions, rounding exactly as the contracts do (Aave V3.0.2:
 * WadRayMath, PercentageMath, MathUtils, ReserveLogic, GenericLogic). No I/O, no clock
 * (ArchitectureTest enforces it): time comes in as a block timestamp.
 */
package dev.margincall.protocol.aavev3.model;
