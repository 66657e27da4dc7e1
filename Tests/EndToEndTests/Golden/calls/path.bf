p = Path("models/part_5_model.pt")
p  # expect: Path('models/part_5_model.pt')
p.name  # expect: 'part_5_model.pt'
p.suffix  # expect: '.pt'
p.parent  # expect: Path('models')
p.parent.parent  # expect: Path('.')
Path("/data").parent  # expect: Path('/')
Path("a.tar.gz").suffix  # expect: '.gz'
Path(".bashrc").suffix  # expect: ''
Path("noext").suffix  # expect: ''
Path(Path("x.csv")).name  # expect: 'x.csv'
