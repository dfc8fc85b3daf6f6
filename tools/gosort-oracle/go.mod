module akash-stack/tools/gosort-oracle

go 1.26
