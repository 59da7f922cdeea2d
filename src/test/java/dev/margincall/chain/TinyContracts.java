package dev.margincall.chain;

/** Runtime bytecode of minimal contracts for tests that only need a node's answers, not a real protocol. */
public final class TinyContracts {

    /** slot0 += 1 and returns the new value: PUSH1 0 SLOAD PUSH1 1 ADD DUP1 PUSH1 0 SSTORE PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN. */
    public static final String COUNTER = "0x6000546001018060005560005260206000f3";
    /** Returns block.timestamp: TIMESTAMP PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN. */
    public static final String CLOCK = "0x4260005260206000f3";
    /** Always reverts with the 4 bytes 0xdeadbeef (see {@link #revertingWith}). */
    public static final String REVERTER = revertingWith("0xdeadbeef");

    private TinyContracts() {
    }

    /**
     * Always reverts with the 4 bytes of {@code selector} (a custom error without parameters):
     * PUSH4 selector PUSH1 224 SHL PUSH1 0 MSTORE PUSH1 4 PUSH1 0 REVERT.
     */
    public static String revertingWith(String selector) {
        String digits = selector.startsWith("0x") ? selector.substring(2) : selector;
        if (digits.length() != 8) {
            throw new IllegalArgumentException("a selector is 4 bytes: " + selector);
        }
        return "0x63" + digits + "60e01b60005260046000fd";
    }
}
