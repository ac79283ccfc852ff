import ArgumentParser
import MinshengWeb
print("x")
