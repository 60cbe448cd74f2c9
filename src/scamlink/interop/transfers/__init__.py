"""On-chain transfer files: TronGrid and Tronscan (TRON), Etherscan (Ethereum tokens), Esplora
(Bitcoin, UTXO kept) and a plain CSV, detected from their content (`detect.parse_file`)."""
