module mapviz/oracle-swiss

go 1.26
