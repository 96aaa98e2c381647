module mapviz/bench

go 1.19
