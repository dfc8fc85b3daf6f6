module akash-stack/tools/oracles

go 1.26

require cosmossdk.io/math v1.5.3
