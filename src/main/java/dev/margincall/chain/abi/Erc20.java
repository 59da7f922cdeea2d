package dev.margincall.chain.abi;

import dev.margincall.core.Address;
import java.math.BigInteger;

/** Calldata of the ERC-20 calls we make (EIP-20 signatures). */
public final class Erc20 {

    private Erc20() {
    }

    public static String approve(Address spender, BigInteger amount) {
        return Abi.call("approve(address,uint256)", Abi.address(spender), Abi.uint(amount));
    }

    /** The spender of {@code approve(spender, amount)} calldata; empty for any other call. */
    public static java.util.Optional<Address> approvedSpender(String data) {
        String selector = Abi.selector("approve(address,uint256)");
        if (data == null || !data.startsWith(selector)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Words.address("0x" + data.substring(selector.length()), 0));
    }

    public static String transfer(Address to, BigInteger amount) {
        return Abi.call("transfer(address,uint256)", Abi.address(to), Abi.uint(amount));
    }

    public static String balanceOf(Address account) {
        return Abi.call("balanceOf(address)", Abi.address(account));
    }

    public static String allowance(Address owner, Address spender) {
        return Abi.call("allowance(address,address)", Abi.address(owner), Abi.address(spender));
    }
}
