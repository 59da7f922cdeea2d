// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// Minimal interfaces, written from the signatures in @morpho-org/morpho-blue 1.0.0 (src/interfaces/IMorpho.sol:6
// struct MarketParams, src/interfaces/IMorphoCallbacks.sol:11 onMorphoLiquidate, src/Morpho.sol:347 liquidate) and
// @uniswap/v2-periphery (interfaces/IUniswapV2Router02.sol). Only what this contract calls. Names are prefixed so
// that they do not clash with FlashLiquidator.sol's, which is compiled in the same solc run.

struct MorphoMarketParams {
    address loanToken;
    address collateralToken;
    address oracle;
    address irm;
    uint256 lltv;
}

interface IMorphoLiquidate {
    function liquidate(
        MorphoMarketParams memory marketParams,
        address borrower,
        uint256 seizedAssets,
        uint256 repaidShares,
        bytes calldata data
    ) external returns (uint256, uint256);
}

interface IMorphoERC20 {
    function balanceOf(address account) external view returns (uint256);
}

interface IMorphoSwapRouter {
    function swapExactTokensForTokens(uint256 amountIn, uint256 amountOutMin, address[] calldata path, address to, uint256 deadline)
        external
        returns (uint256[] memory amounts);
}

/// @title MorphoLiquidator
/// @notice Liquidates a Morpho Blue position without capital. Morpho's `liquidate` sends the seized collateral to its
///         caller, then (when `data` is not empty) calls back `onMorphoLiquidate(repaidAssets, data)`, and only then
///         pulls `repaidAssets` of the loan token from the caller (src/Morpho.sol:410-414). The callback sells the
///         collateral on Uniswap V2 and approves the repayment; `liquidate` then checks the owner's minimum profit and
///         pays it out. No flash loan, no fee. The contract holds nothing between transactions.
contract MorphoLiquidator {
    /// @notice The keeper EOA: the only account that may start a liquidation or move funds out.
    address public immutable owner;
    /// @notice The Morpho Blue singleton (not upgradeable).
    address public immutable morpho;
    /// @notice The Uniswap V2 Router02 the seized collateral is sold on.
    address public immutable router;

    /// @dev IDLE, or ENTERED while a liquidation started by `liquidate` runs, CALLED_BACK once Morpho called back
    ///      (EVM paris: no transient storage; never zero, so a liquidation costs two warm writes, not a fresh slot).
    ///      The callback is served only in ENTERED: Morpho calls back its `msg.sender` (src/Morpho.sol:412), so a
    ///      liquidation someone else started never reaches us, and a direct call (from Morpho or anyone) outside our
    ///      own liquidation is refused.
    uint256 private state = IDLE;
    uint256 private constant IDLE = 1;
    uint256 private constant ENTERED = 2;
    uint256 private constant CALLED_BACK = 3;

    event Liquidated(
        bytes32 indexed marketId,
        address indexed borrower,
        address indexed loanToken,
        uint256 repaidAssets,
        uint256 seizedAssets,
        uint256 profit
    );

    /// @dev What liquidate() passes through Morpho to onMorphoLiquidate.
    struct Order {
        address collateralToken;
        uint256 collateralHeld;
        uint256 minAmountOut;
        address[] swapPath;
    }

    error NotOwner();
    error NotMorpho();
    error NotRunning();
    error BadSwapPath();
    /// @dev The swap proceeds fall short of what Morpho pulls (what the contract held before is never spent on it).
    error RepaymentShortfall(uint256 available, uint256 owed);
    error InsufficientProfit(uint256 profit, uint256 minProfit);
    error TokenCallFailed(address token);
    error EthTransferFailed();
    error NotSelf();
    /// @dev A batch item's guarded call ran out of gas: the batch was given too little gas, which is no item's fault.
    error OutOfGas();

    /// @dev One liquidation of a batch: the arguments of `liquidate`, with its own minimum profit (loan-token units).
    struct BatchItem {
        MorphoMarketParams marketParams;
        address borrower;
        uint256 seizedAssets;
        uint256 repaidShares;
        address[] swapPath;
        uint256 minAmountOut;
        uint256 minProfit;
    }

    /// @dev One liquidation of a batch paid with the owner's tokens (liquidateBatchFromOwner): Morpho's arguments, and the
    ///      owner's guards: at most `maxRepaid` loan-token units paid, at least `minSeized` collateral received.
    struct OwnerItem {
        MorphoMarketParams marketParams;
        address borrower;
        uint256 seizedAssets;
        uint256 repaidShares;
        uint256 maxRepaid;
        uint256 minSeized;
    }

    /// @dev An owner-paid item would pay more than its maximum or receive less than its minimum: skipped.
    error RepaidAboveMax(uint256 repaid, uint256 maxRepaid);
    error CollateralShortfall(uint256 seized, uint256 minSeized);

    /// @dev The batch events of FlashLiquidator.sol, the same signatures, so the keeper settles either contract's batch
    ///      item by item from one reader (debtCovered: the loan-token assets Morpho pulled).
    event BatchItemLiquidated(uint256 indexed index, address indexed user, uint256 debtCovered, uint256 collateralSeized);
    event BatchItemSkipped(uint256 indexed index, address indexed user, bytes reason);

    constructor(address morphoBlue, address swapRouter) {
        owner = msg.sender;
        morpho = morphoBlue;
        router = swapRouter;
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner();
        _;
    }

    // No receive() or fallback(): nothing here uses ETH, so a plain ETH transfer reverts instead of being stranded.
    // ETH forced in anyway (selfdestruct, coinbase) is recoverable with rescueEth.

    /// @notice Liquidates `borrower` on the market `marketParams`, sized as Morpho's `liquidate` is: exactly one of
    ///         `seizedAssets` and `repaidShares` non-zero. Sells the seized collateral along `swapPath`
    ///         (`[collateralToken, ..., loanToken]`) for at least `minAmountOut`, repays Morpho from the proceeds and
    ///         reverts unless at least `minProfit` loan-token units are left for the owner.
    function liquidate(
        MorphoMarketParams calldata marketParams,
        address borrower,
        uint256 seizedAssets,
        uint256 repaidShares,
        address[] calldata swapPath,
        uint256 minAmountOut,
        uint256 minProfit
    ) external onlyOwner {
        // What the contract held before: never spent, never counted as profit.
        uint256 heldBefore = IMorphoERC20(marketParams.loanToken).balanceOf(address(this));
        (uint256 seized, uint256 repaidAssets) = _liquidate(marketParams, borrower, seizedAssets, repaidShares, swapPath, minAmountOut);
        _payOut(marketParams, borrower, heldBefore, seized, repaidAssets, minProfit);
    }

    /// @notice Many liquidations in one transaction. Owner only. Each item runs in its own guarded call, as `liquidate`
    ///         would with its own `minProfit`: one that fails (a competitor came first, the position recovered, its
    ///         swap or profit fell short) is undone alone and reported with BatchItemSkipped and its revert data; each
    ///         one that ran emits Liquidated and BatchItemLiquidated. The profit in each loan token (the sum of the
    ///         items', each checked) goes to the owner at the end; what the contract held before is never paid out.
    ///         Reverts only when an item runs out of gas (the batch was given too little).
    function liquidateBatch(BatchItem[] calldata items) external onlyOwner {
        address[] memory tokens = new address[](items.length);
        uint256[] memory heldBefore = new uint256[](items.length);
        uint256 distinct = 0;
        for (uint256 i = 0; i < items.length; i++) {
            (, distinct) = _slot(tokens, heldBefore, distinct, items[i].marketParams.loanToken);
        }
        for (uint256 i = 0; i < items.length; i++) {
            BatchItem calldata item = items[i];
            uint256 gasBefore = gasleft();
            try this.liquidateItem(item) returns (uint256 seized, uint256 repaidAssets, uint256 profit) {
                emit Liquidated(keccak256(abi.encode(item.marketParams)), item.borrower, item.marketParams.loanToken, repaidAssets, seized, profit);
                emit BatchItemLiquidated(i, item.borrower, repaidAssets, seized);
            } catch (bytes memory reason) {
                _revertIfOutOfGas(gasBefore, reason);
                emit BatchItemSkipped(i, item.borrower, reason);
            }
        }
        for (uint256 k = 0; k < distinct; k++) {
            uint256 gain = IMorphoERC20(tokens[k]).balanceOf(address(this)) - heldBefore[k];
            if (gain != 0) _transfer(tokens[k], owner, gain);
        }
    }

    /// @notice Many liquidations in one transaction, paid with the owner's tokens (the owner approves this contract), the
    ///         seized collateral handed to the owner unsold: what the owner's own `liquidate` calls would do, in one
    ///         transaction. Owner only. Pulls, of each loan token, what the items may repay at most (or the owner's whole
    ///         balance if less); runs each item in its own guarded call (Morpho pulls from this contract; no callback);
    ///         then gives the owner back everything this batch moved in: the loan tokens not repaid and the collateral
    ///         seized. Events, skips and OutOfGas as in liquidateBatch. What the contract held before is never moved.
    function liquidateBatchFromOwner(OwnerItem[] calldata items) external onlyOwner {
        // every token the batch touches (loan and collateral; a token can be both), with the contract's balance before
        address[] memory tokens = new address[](2 * items.length);
        uint256[] memory heldBefore = new uint256[](2 * items.length);
        uint256[] memory pull = new uint256[](2 * items.length);
        uint256 distinct = 0;
        for (uint256 i = 0; i < items.length; i++) {
            uint256 k;
            (k, distinct) = _slot(tokens, heldBefore, distinct, items[i].marketParams.loanToken);
            pull[k] += items[i].maxRepaid;
            (, distinct) = _slot(tokens, heldBefore, distinct, items[i].marketParams.collateralToken);
        }
        for (uint256 k = 0; k < distinct; k++) {
            if (pull[k] == 0) continue;
            uint256 held = IMorphoERC20(tokens[k]).balanceOf(owner);
            uint256 amount = pull[k] < held ? pull[k] : held;
            _tokenCall(tokens[k], abi.encodeWithSelector(0x23b872dd, owner, address(this), amount)); // transferFrom
            _approve(tokens[k], morpho, amount);
        }
        for (uint256 i = 0; i < items.length; i++) {
            OwnerItem calldata item = items[i];
            uint256 gasBefore = gasleft();
            try this.liquidateOwnerItem(item) returns (uint256 seized, uint256 repaidAssets) {
                emit BatchItemLiquidated(i, item.borrower, repaidAssets, seized);
            } catch (bytes memory reason) {
                _revertIfOutOfGas(gasBefore, reason);
                emit BatchItemSkipped(i, item.borrower, reason);
            }
        }
        for (uint256 k = 0; k < distinct; k++) {
            if (pull[k] != 0) _approve(tokens[k], morpho, 0);
            uint256 back = IMorphoERC20(tokens[k]).balanceOf(address(this)) - heldBefore[k];
            if (back != 0) _transfer(tokens[k], owner, back);
        }
    }

    /// @notice One owner-paid item, run by the contract on itself: Morpho's `liquidate` without a callback (Morpho
    ///         sends the collateral, then pulls the repayment from this contract), then the owner's guards.
    function liquidateOwnerItem(OwnerItem calldata item) external returns (uint256 seized, uint256 repaidAssets) {
        if (msg.sender != address(this)) revert NotSelf();
        (seized, repaidAssets) = IMorphoLiquidate(morpho).liquidate(item.marketParams, item.borrower, item.seizedAssets, item.repaidShares, "");
        if (repaidAssets > item.maxRepaid) revert RepaidAboveMax(repaidAssets, item.maxRepaid);
        if (seized < item.minSeized) revert CollateralShortfall(seized, item.minSeized);
    }

    /// @dev A guarded call that failed without revert data after using more than three quarters of the gas left ran out of
    ///      gas, here or below (each call keeps back 1/64 of its gas): the batch was given too little, which is no reason to
    ///      report an item skipped (and would let eth_estimateGas settle on a limit at which the work is silently skipped).
    function _revertIfOutOfGas(uint256 gasBefore, bytes memory reason) private view {
        if (reason.length == 0 && gasleft() < gasBefore / 4) revert OutOfGas();
    }

    /// @dev The index of `token` among the first `distinct` of `tokens`, added (with this contract's balance) if new.
    function _slot(address[] memory tokens, uint256[] memory heldBefore, uint256 distinct, address token)
        private
        view
        returns (uint256 k, uint256 count)
    {
        while (k < distinct && tokens[k] != token) k++;
        if (k == distinct) {
            tokens[k] = token;
            heldBefore[k] = IMorphoERC20(token).balanceOf(address(this));
            distinct++;
        }
        return (k, distinct);
    }

    /// @notice One item of a batch, run by the contract on itself so that its failure undoes only its own state.
    function liquidateItem(BatchItem calldata item) external returns (uint256 seized, uint256 repaidAssets, uint256 profit) {
        if (msg.sender != address(this)) revert NotSelf();
        address loanToken = item.marketParams.loanToken;
        uint256 before = IMorphoERC20(loanToken).balanceOf(address(this));
        (seized, repaidAssets) = _liquidate(item.marketParams, item.borrower, item.seizedAssets, item.repaidShares, item.swapPath, item.minAmountOut);
        profit = IMorphoERC20(loanToken).balanceOf(address(this)) - before;
        if (profit < item.minProfit) revert InsufficientProfit(profit, item.minProfit);
    }

    /// @dev Morpho's `liquidate` with our callback: the collateral sold along `swapPath` for at least `minAmountOut`,
    ///      the repayment approved from the proceeds. Returns Morpho's (seized, repaid) assets.
    function _liquidate(
        MorphoMarketParams calldata marketParams,
        address borrower,
        uint256 seizedAssets,
        uint256 repaidShares,
        address[] calldata swapPath,
        uint256 minAmountOut
    ) private returns (uint256 seized, uint256 repaidAssets) {
        _checkPath(marketParams, swapPath);
        if (state != IDLE) revert NotRunning(); // unreachable (owner or self only, not re-entered), kept as a guard
        bytes memory data = _order(marketParams.collateralToken, minAmountOut, swapPath);
        state = ENTERED;
        // `data` is never empty (an abi-encoded struct), so Morpho calls back (src/Morpho.sol:412).
        (seized, repaidAssets) = IMorphoLiquidate(morpho).liquidate(marketParams, borrower, seizedAssets, repaidShares, data);
        if (state != CALLED_BACK) revert NotRunning();
        state = IDLE;
    }

    /// @dev Checked before Morpho is called, so a bad path fails cheaply. Morpho has no same-token markets in
    ///      practice, but nothing forbids one: then there is nothing to sell and the path is empty.
    function _checkPath(MorphoMarketParams calldata marketParams, address[] calldata swapPath) private pure {
        if (marketParams.collateralToken == marketParams.loanToken) {
            if (swapPath.length != 0) revert BadSwapPath();
        } else if (
            swapPath.length < 2 || swapPath[0] != marketParams.collateralToken || swapPath[swapPath.length - 1] != marketParams.loanToken
        ) {
            revert BadSwapPath();
        }
    }

    /// @dev The callback's data: the collateral held before the liquidation (never sold), the swap.
    function _order(address collateralToken, uint256 minAmountOut, address[] calldata swapPath) private view returns (bytes memory) {
        return abi.encode(Order(collateralToken, IMorphoERC20(collateralToken).balanceOf(address(this)), minAmountOut, swapPath));
    }

    /// @dev Morpho has pulled `repaidAssets`; what is above the loan-token balance held before is the profit.
    function _payOut(
        MorphoMarketParams calldata marketParams,
        address borrower,
        uint256 heldBefore,
        uint256 seized,
        uint256 repaidAssets,
        uint256 minProfit
    ) private {
        address loanToken = marketParams.loanToken;
        uint256 profit = IMorphoERC20(loanToken).balanceOf(address(this)) - heldBefore;
        if (profit < minProfit) revert InsufficientProfit(profit, minProfit);
        if (profit != 0) _transfer(loanToken, owner, profit);
        emit Liquidated(keccak256(abi.encode(marketParams)), borrower, loanToken, repaidAssets, seized, profit);
    }

    /// @notice Morpho's liquidation callback (src/interfaces/IMorphoCallbacks.sol:11): called after Morpho sent the
    ///         seized collateral and before it pulls `repaidAssets` of the loan token (src/Morpho.sol:410-414). Sells
    ///         the collateral and approves the repayment; a revert here undoes the whole liquidation.
    function onMorphoLiquidate(uint256 repaidAssets, bytes calldata data) external {
        if (msg.sender != morpho) revert NotMorpho();
        if (state != ENTERED) revert NotRunning();
        state = CALLED_BACK; // served once per liquidation
        Order memory order = abi.decode(data, (Order));
        if (order.swapPath.length != 0) {
            address loanToken = order.swapPath[order.swapPath.length - 1];
            uint256 loanBefore = IMorphoERC20(loanToken).balanceOf(address(this));
            // The seized collateral: what arrived since liquidate() started (Morpho sent it before calling back).
            uint256 collateral = IMorphoERC20(order.collateralToken).balanceOf(address(this)) - order.collateralHeld;
            _approve(order.collateralToken, router, collateral);
            IMorphoSwapRouter(router).swapExactTokensForTokens(collateral, order.minAmountOut, order.swapPath, address(this), block.timestamp);
            uint256 available = IMorphoERC20(loanToken).balanceOf(address(this)) - loanBefore;
            if (available < repaidAssets) revert RepaymentShortfall(available, repaidAssets);
            _approve(loanToken, morpho, repaidAssets);
        } else {
            _approve(order.collateralToken, morpho, repaidAssets);
        }
    }

    /// @notice Moves an ERC20 out (stray tokens, dust). Owner only; the only way tokens leave besides the payout.
    function rescue(address token, address to, uint256 amount) external onlyOwner {
        _transfer(token, to, amount);
    }

    /// @notice Moves ETH out (only forced-in ETH can be here). Owner only.
    function rescueEth(address payable to, uint256 amount) external onlyOwner {
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert EthTransferFailed();
    }

    // ERC20 calls through a low-level call that accepts tokens returning nothing (USDT) as well as those returning a
    // bool; a token's own revert is passed on as is, `false` or a call to an address without code becomes TokenCallFailed.

    function _approve(address token, address spender, uint256 amount) private {
        _tokenCall(token, abi.encodeWithSelector(0x095ea7b3, spender, amount)); // approve(address,uint256)
    }

    function _transfer(address token, address to, uint256 amount) private {
        _tokenCall(token, abi.encodeWithSelector(0xa9059cbb, to, amount)); // transfer(address,uint256)
    }

    function _tokenCall(address token, bytes memory data) private {
        (bool ok, bytes memory result) = token.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 32), mload(result))
            }
        }
        if (result.length == 0 ? token.code.length == 0 : !abi.decode(result, (bool))) revert TokenCallFailed(token);
    }
}
