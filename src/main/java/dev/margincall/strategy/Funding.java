package dev.margincall.strategy;

/** Where the repaid debt comes from. */
public enum Funding {
    /** The keeper's account holds the debt asset and calls the pool itself; it keeps the collateral. */
    WALLET("wallet"),
    /** Our FlashLiquidator borrows the debt asset, liquidates, swaps the collateral back and repays: no capital. */
    FLASH_LOAN("flash-loan");

    private final String configName;

    Funding(String configName) {
        this.configName = configName;
    }

    /** The name used in the configuration ({@code execution.funding}) and in logs. */
    public String configName() {
        return configName;
    }
}
