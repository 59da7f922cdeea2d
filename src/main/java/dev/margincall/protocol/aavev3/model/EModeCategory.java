package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;

/** An efficiency-mode category: its own LTV, threshold and bonus, and optionally its own price source. */
public record EModeCategory(int id, int ltv, int liquidationThreshold, int liquidationBonus, Address priceSource, String label) {
}
