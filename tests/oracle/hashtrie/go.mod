module mapviz/oracle-hashtrie

go 1.26
