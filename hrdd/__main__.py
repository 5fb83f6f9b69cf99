from hrdd.cli import main

main()
