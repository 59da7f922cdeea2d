/**
 * Pure risk functions: health factors, liquidation prices, safety margins and candidates ranked by expected profit. No I/O, no clock, no randomness (ArchitectureTest enforces it).
 */
package dev.margincall.risk;
