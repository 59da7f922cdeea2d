package dev.margincall.devnet;

/** How the devnet moves an oracle price; a keeper must notice both. */
public enum PriceMoveMethod {
    /** Deploy a new feed and point AaveOracle at it: emits {@code AssetSourceUpdated}. */
    SOURCE_SWAP,
    /** Overwrite the current feed's answer in storage: no event at all. */
    STORAGE_WRITE
}
