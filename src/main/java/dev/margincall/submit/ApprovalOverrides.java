package dev.margincall.submit;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.CallRevertedException;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.StateOverride;
import dev.margincall.chain.abi.Erc20;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import java.math.BigInteger;
import java.util.Arrays;
import org.web3j.crypto.Hash;

/**
 * Where an ERC-20 keeps {@code allowance(owner, spender)}, found by asking the token: each candidate slot
 * is overridden with a marker value and {@code allowance} read back through the same override. Covers
 * the usual layouts of {@code mapping(address => mapping(address => uint256))} at a base slot below
 * {@link #MAX_BASE_SLOT}: Solidity's {@code keccak(key . slot)} and Vyper's {@code keccak(slot . key)}.
 * A dry-run on a node without {@code eth_simulateV1} uses it to assume the approvals run would send first.
 */
final class ApprovalOverrides {

    static final int MAX_BASE_SLOT = 64;
    private static final BigInteger MAX_UINT256 = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

    private ApprovalOverrides() {
    }

    /** The override that gives {@code spender} an unlimited allowance of {@code owner}'s {@code token}. */
    static StateOverride unlimited(EthRpc rpc, Address token, Address owner, Address spender) {
        String marker = Hex.word(MAX_UINT256);
        CallRequest read = CallRequest.call(token, Erc20.allowance(owner, spender));
        for (int base = 0; base < MAX_BASE_SLOT; base++) {
            for (boolean vyper : new boolean[] {false, true}) {
                String slot = slot(owner, spender, base, vyper);
                StateOverride candidate = StateOverride.none().with(token, slot, marker);
                try {
                    if (Words.uint(rpc.call(read, BlockTag.LATEST, candidate), 0).equals(MAX_UINT256)) {
                        return candidate;
                    }
                } catch (CallRevertedException e) {
                    throw new IllegalStateException("allowance(" + owner + ", " + spender + ") of " + token + " reverts: " + e.reason());
                }
            }
        }
        throw new IllegalStateException("the allowance storage of " + token + " is not a mapping at slots 0.." + (MAX_BASE_SLOT - 1)
                + ": a dry-run cannot assume its approval without eth_simulateV1; use an endpoint with eth_simulateV1 or approve the Pool first");
    }

    /** The storage slot of {@code allowance[owner][spender]} for a mapping at {@code base}. */
    static String slot(Address owner, Address spender, int base, boolean vyper) {
        byte[] inner = vyper ? hash(word(BigInteger.valueOf(base)), word(owner)) : hash(word(owner), word(BigInteger.valueOf(base)));
        return Hex.of(vyper ? hash(inner, word(spender)) : hash(word(spender), inner));
    }

    private static byte[] word(Address address) {
        return Hex.bytes(Hex.word(new BigInteger(1, Hex.bytes(address.hex()))));
    }

    private static byte[] word(BigInteger value) {
        return Hex.bytes(Hex.word(value));
    }

    private static byte[] hash(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return Hash.sha3(both);
    }
}
