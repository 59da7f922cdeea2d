package dev.margincall.chain;

/** Which state a read runs against: a block number, or one of the node's named tags. */
public record BlockTag(String value) {

    public static final BlockTag LATEST = new BlockTag("latest");
    public static final BlockTag PENDING = new BlockTag("pending");

    public static BlockTag number(long block) {
        return new BlockTag("0x" + Long.toHexString(block));
    }
}
