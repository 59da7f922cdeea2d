/**
 * Pure liquidation planning: the collateral/debt pair, the amount under the close factor and caps, the funding (wallet or flash loan) and the profit after every cost; a LiquidationPlan or the reason why not. No I/O (ArchitectureTest enforces it).
 */
package dev.margincall.strategy;
