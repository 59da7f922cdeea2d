package dev.margincall.chain.logs;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import dev.margincall.devnet.ChainTools;
import dev.margincall.devnet.ContractArtifact;
import dev.margincall.devnet.DevnetDeployer;
import dev.margincall.devnet.Transactor;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** Test fixture: two real ERC-20s (Aave's MintableERC20) and a long chain with Transfer events spread over it. */
public final class EventHistory {

    public static final String TRANSFER = Abi.topic("Transfer(address,address,uint256)");

    public final List<Address> tokens = new ArrayList<>();
    private final DevChain chain;
    private final Address minterA = DevnetDeployer.derivedAddress("margin-call/test/minter-a");
    private final Address minterB = DevnetDeployer.derivedAddress("margin-call/test/minter-b");

    public EventHistory(DevChain chain) {
        this.chain = chain;
        chain.setAutoImpersonate(true);
        chain.setBalance(minterA, BigInteger.TEN.pow(21));
        chain.setBalance(minterB, BigInteger.TEN.pow(21));
        Transactor tx = new Transactor(chain);
        ContractArtifact erc20 = ContractArtifact.fromFile(ChainTools.locate()
                .npmFile("@aave/core-v3/artifacts/contracts/mocks/tokens/MintableERC20.sol/MintableERC20.json"));
        for (String symbol : List.of("AAA", "BBB")) {
            tokens.add(tx.deploy(symbol, DevnetDeployer.DEPLOYER, erc20.bytecode()
                    + Abi.encodeArguments(Abi.string(symbol), Abi.string(symbol), Abi.uint8(18))));
        }
    }

    /** {@code rounds} times: one block with a mint on each token, then {@code emptyBlocks} empty blocks. */
    public void grow(int rounds, int emptyBlocks) {
        grow(rounds, emptyBlocks, 0);
    }

    /** As {@link #grow(int, int)}; a different {@code salt} mints other amounts, so the transactions differ. */
    public void grow(int rounds, int emptyBlocks, int salt) {
        grow(rounds, emptyBlocks, salt, 1);
    }

    /** As {@link #grow(int, int, int)} with {@code mintsPerToken} transfers of each token in each event block. */
    public void grow(int rounds, int emptyBlocks, int salt, int mintsPerToken) {
        long nonceA = chain.transactionCount(minterA, BlockTag.LATEST);
        long nonceB = chain.transactionCount(minterB, BlockTag.LATEST);
        chain.setAutomine(false);
        try {
            for (int i = 0; i < rounds; i++) {
                List<CallRequest> mints = new ArrayList<>();
                for (int k = 0; k < mintsPerToken; k++) {
                    mints.add(mint(minterA, tokens.get(0), nonceA++, salt + i));
                    mints.add(mint(minterB, tokens.get(1), nonceB++, salt + i));
                }
                chain.sendTransactions(mints);
                chain.mine(1 + emptyBlocks); // the pooled mints go into the first of these blocks
            }
        } finally {
            chain.setAutomine(true);
        }
    }

    private static CallRequest mint(Address from, Address token, long nonce, int round) {
        return new CallRequest(from, token, Abi.call("mint(uint256)", Abi.uint(1_000 + round)), null, BigInteger.valueOf(200_000))
                .withNonce(nonce).withFees(BigInteger.valueOf(100_000_000_000L), BigInteger.ZERO);
    }
}
