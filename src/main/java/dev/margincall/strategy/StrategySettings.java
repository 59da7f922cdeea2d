package dev.margincall.strategy;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The money rules, in USD (each market converts them into its value unit, rounded up).
 *
 * @param minProfitUsd  plans whose profit after every cost is below this are dropped
 * @param dustUsd       debt worth less than this is not worth a transaction
 * @param walletGas     gas a wallet-funded liquidation is planned with, until simulation measures it
 * @param flashGas      gas a contract-funded liquidation is planned with, until simulation measures it
 */
public record StrategySettings(Funding funding, BigDecimal minProfitUsd, BigDecimal dustUsd, long walletGas, long flashGas) {

    public StrategySettings {
        Objects.requireNonNull(funding, "funding");
        if (minProfitUsd.signum() < 0 || dustUsd.signum() < 0 || walletGas <= 0 || flashGas <= 0) {
            throw new IllegalArgumentException("profit and dust thresholds must be ≥ 0 and gas estimates > 0");
        }
    }
}
