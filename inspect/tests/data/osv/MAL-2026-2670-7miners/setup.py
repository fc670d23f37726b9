from setuptools import setup
setup(name="7miners", version="1.0.0", packages=["sevenminers"], entry_points={"console_scripts": ["7m=sevenminers:main"]})
