package dev.margincall.strategy;

import java.math.BigInteger;
import java.util.Objects;

/**
 * @param minProfitBase  plans whose profit after every cost is below this (base currency) are dropped
 * @param dustBase       debt worth less than this (base currency) is not worth a transaction
 * @param walletGas      gas a wallet-funded liquidation is planned with, until simulation measures it
 * @param flashGas       gas a flash-loan liquidation is planned with, until simulation measures it
 */
public record StrategySettings(Funding funding, BigInteger minProfitBase, BigInteger dustBase, long walletGas, long flashGas) {

    public StrategySettings {
        Objects.requireNonNull(funding, "funding");
        if (minProfitBase.signum() < 0 || dustBase.signum() < 0 || walletGas <= 0 || flashGas <= 0) {
            throw new IllegalArgumentException("profit and dust thresholds must be ≥ 0 and gas estimates > 0");
        }
    }
}
