module mapviz/oracle

go 1.19
