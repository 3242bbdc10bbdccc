from warn.cli import main

main()
